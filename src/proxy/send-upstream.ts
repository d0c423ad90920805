import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import type { RequestMeter } from "../metrics/types.js";
import type { RequestTrace } from "../tracing/types.js";
import { type UpstreamAuth, upstreamRequestHeaders } from "./headers.js";
import { clientClosed, fromUpstreamFailure } from "./proxy-error.js";
import type { Upstream } from "./upstream.js";
import { UpstreamExchange, type UpstreamResponse } from "./upstream-exchange.js";

export interface UpstreamCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly meter: RequestMeter;
  /** The request's span with tracing on: the upstream then gets its trace context. */
  readonly trace?: RequestTrace | undefined;
  readonly method: string;
  readonly path: string;
  /** A buffered body, or the client's own stream for transparent uploads. */
  readonly body: Buffer | Readable | undefined;
}

export interface UpstreamDeps {
  readonly upstream: Upstream;
  readonly auth: UpstreamAuth;
}

function bodyLength({ body, req }: UpstreamCall): number | undefined {
  if (Buffer.isBuffer(body)) return body.length;
  const declared = req.headers["content-length"];
  return body !== undefined && declared !== undefined ? Number(declared) : undefined;
}

/**
 * Sends the request upstream and waits for its headers. A client that goes away meanwhile aborts the
 * upstream request at once (so the upstream stops generating) and the wait ends with status 499.
 */
export async function sendUpstream(deps: UpstreamDeps, call: UpstreamCall): Promise<UpstreamResponse> {
  const exchange = new UpstreamExchange();
  let aborted = false;
  const onClose = () => {
    if (call.res.writableFinished) return;
    aborted = true;
    exchange.destroy();
  };
  call.res.on("close", onClose);
  const started = performance.now();
  const length = bodyLength(call);
  const own = upstreamRequestHeaders(call.req, deps.auth, length);
  const headers = call.trace === undefined ? own : call.trace.upstreamHeaders(own);
  call.meter.addOverhead(performance.now() - started);
  try {
    deps.upstream.dispatcher.dispatch(
      {
        origin: deps.upstream.origin,
        path: deps.upstream.pathFor(call.path),
        method: call.method as Dispatcher.HttpMethod,
        headers,
        body: call.body,
      },
      exchange,
    );
    return await exchange.response;
  } catch (err) {
    throw aborted ? clientClosed(err) : fromUpstreamFailure(err);
  } finally {
    call.res.off("close", onClose);
  }
}
