import { performance } from "node:perf_hooks";
import type { Attributor } from "../attribution/attributor.js";
import { type BeginDeps, beginRequest } from "./begin-request.js";
import { ClientWriter } from "./client-writer.js";
import { failBeforeResponse, type NodeHandler } from "./handler.js";
import { clientResponseHeaders } from "./headers.js";
import { bodyTooLarge, fromUpstreamFailure, invalidPath, notFound } from "./proxy-error.js";
import { limitBody } from "./read-body.js";
import { type BodyConsumer, relayBody } from "./relay.js";
import { climbsOut } from "./request-target.js";
import { sendUpstream, type UpstreamCall, type UpstreamDeps } from "./send-upstream.js";
import { finishRelayed } from "./status-errors.js";

export interface PassThroughDeps extends UpstreamDeps, BeginDeps {
  readonly attributor: Attributor;
  readonly maxBodyBytes: number;
  readonly onInternalError: (err: unknown) => void;
}

/** A pass-through body goes to the client as it arrives, unread. */
const asIs = (writer: ClientWriter): BodyConsumer => ({
  push: (chunk) => writer.write(chunk),
  end() {},
});

/**
 * Every other /v1 path (models, files, images, audio, batches, ...) goes upstream as it is, any method,
 * the body streamed both ways without being read; it is counted with endpoint="other".
 */
export function createPassThroughHandler(deps: PassThroughDeps): NodeHandler {
  return async function passThroughHandler(req, res, keyName) {
    const { meter, trace } = beginRequest(deps, "other", req);
    // The body is not read here: only the key and the x-llm-* headers attribute these requests.
    meter.attribute(deps.attributor.resolve(keyName, req.headers, undefined));
    try {
      const path = req.url ?? "/";
      if (!path.startsWith("/v1/")) throw notFound();
      // The listener refuses these already; this handler sends the client's path upstream, so it checks too.
      if (climbsOut(path.split("?", 1)[0] ?? "")) throw invalidPath();
      if (Number(req.headers["content-length"]) > deps.maxBodyBytes) throw bodyTooLarge(deps.maxBodyBytes);
      const method = req.method ?? "GET";
      const hasBody = method !== "GET" && method !== "HEAD";
      const body = hasBody ? limitBody(req, deps.maxBodyBytes) : undefined;
      const call: UpstreamCall = { req, res, meter, trace, method, path, body };
      const response = await sendUpstream(deps, call);
      const started = performance.now();
      meter.setRequestId(String(response.headers["x-request-id"] ?? "") || undefined);
      const stream = String(response.headers["content-type"] ?? "").includes("text/event-stream");
      const headers = clientResponseHeaders(response.headers, { dropContentLength: false, stream });
      const writer = new ClientWriter(res, response.statusCode, headers, stream);
      meter.addOverhead(performance.now() - started);
      const { outcome, error } = await relayBody(response.body, res, writer, asIs(writer), meter);
      if (outcome === "upstream_failed") throw fromUpstreamFailure(error);
      if (outcome === "internal") deps.onInternalError(error);
      finishRelayed(meter, outcome, response.statusCode);
    } catch (err) {
      failBeforeResponse(res, meter, err, deps.onInternalError);
    }
  };
}
