import { performance } from "node:perf_hooks";
import type { Attributor } from "../attribution/attributor.js";
import type { Endpoint } from "../metrics/types.js";
import type { UsageEstimator, UsageExtractor } from "../usage/types.js";
import { type BeginDeps, beginRequest } from "./begin-request.js";
import { ClientWriter } from "./client-writer.js";
import { type BodyEncoding, bodyEncoding, decodeBody } from "./decode-body.js";
import { failBeforeResponse, type NodeHandler, queryOf } from "./handler.js";
import { clientResponseHeaders } from "./headers.js";
import {
  createJsonBody,
  createStreamBody,
  type MeteredBody,
  type MeteringContext,
  unreadBody,
} from "./metered-body.js";
import { fromUpstreamFailure } from "./proxy-error.js";
import { readBody } from "./read-body.js";
import { relayBody } from "./relay.js";
import {
  canAddIncludeUsage,
  type ParsedRequest,
  parseRequestBody,
  withIncludeUsage,
} from "./request-body.js";
import { sendUpstream, type UpstreamCall, type UpstreamDeps } from "./send-upstream.js";
import { finishRelayed } from "./status-errors.js";
import type { UpstreamResponse } from "./upstream-exchange.js";

export interface MeteredRoute {
  readonly endpoint: Endpoint;
  readonly path: string;
  readonly extractor: UsageExtractor;
  /** Chat and legacy completions can be asked for a stream's usage with stream_options. */
  readonly injectsUsage: boolean;
}

export interface MeteredDeps extends UpstreamDeps, BeginDeps {
  readonly attributor: Attributor;
  readonly maxBodyBytes: number;
  readonly estimator: UsageEstimator | undefined;
  /** A bug, not an upstream or client failure: logged with its stack, answered 500. */
  readonly onInternalError: (err: unknown) => void;
}

/** The handler of one metered endpoint (POST, JSON body with a model). */
export function createMeteredHandler(deps: MeteredDeps, route: MeteredRoute): NodeHandler {
  return async function meteredHandler(req, res, keyName) {
    const { meter, trace } = beginRequest(deps, route.endpoint, req);
    let attributed = false;
    try {
      const body = await readBody(req, deps.maxBodyBytes);
      const started = performance.now();
      const parsed = parseRequestBody(body);
      meter.attribute(deps.attributor.resolve(keyName, req.headers, parsed.json));
      attributed = true;
      meter.setModel(parsed.model);
      meter.setStream(parsed.stream);
      trace?.request(parsed.model, parsed.json);
      const strip = parsed.stream && route.injectsUsage && canAddIncludeUsage(parsed.json);
      const upstreamBody = strip ? withIncludeUsage(body, parsed.json) : body;
      meter.addOverhead(performance.now() - started);
      const path = route.path + queryOf(req.url);
      const call: UpstreamCall = { req, res, meter, trace, method: "POST", path, body: upstreamBody };
      const response = await sendUpstream(deps, call);
      await relayResponse(deps, route, call, parsed, response, strip);
    } catch (err) {
      // A body too large or not JSON: the caller is still known by its key and headers.
      if (!attributed) meter.attribute(deps.attributor.resolve(keyName, req.headers, undefined));
      failBeforeResponse(res, meter, err, deps.onInternalError);
    }
  };
}

async function relayResponse(
  deps: MeteredDeps,
  route: MeteredRoute,
  call: UpstreamCall,
  parsed: ParsedRequest,
  response: UpstreamResponse,
  strip: boolean,
): Promise<void> {
  const started = performance.now();
  const { meter, res } = call;
  const status = response.statusCode;
  meter.rateLimits(response.headers);
  meter.setRequestId(headerValue(response.headers["x-request-id"]));
  const isStream = String(response.headers["content-type"] ?? "").includes("text/event-stream");
  const encoding = bodyEncoding(response.headers);
  const headers = clientResponseHeaders(response.headers, {
    dropContentLength: isStream && strip,
    stream: isStream,
    decoded: encoding === "decodable",
  });
  const writer = new ClientWriter(res, status, headers, isStream);
  const context = {
    extractor: route.extractor,
    meter,
    trace: call.trace,
    parsed,
    estimator: status < 300 ? deps.estimator : undefined,
  };
  const body = meteredBody(context, writer, isStream, strip, encoding);
  const upstreamBody = encoding === "decodable" ? decodeBody(response.body, response.headers) : response.body;
  meter.addOverhead(performance.now() - started);
  const { outcome, error } = await relayBody(upstreamBody, res, writer, body, meter);
  if (outcome === "upstream_failed") throw fromUpstreamFailure(error);
  if (outcome === "internal") deps.onInternalError(error);
  body.settle(outcome === "complete");
  finishRelayed(meter, outcome, status, body.errorEvent);
}

/** A body in an encoding the proxy cannot read is passed on as it is, and has no usage to read. */
function meteredBody(
  context: MeteringContext,
  writer: ClientWriter,
  isStream: boolean,
  strip: boolean,
  encoding: BodyEncoding,
): MeteredBody {
  if (encoding === "unknown") return unreadBody(writer);
  return isStream ? createStreamBody(context, writer, strip) : createJsonBody(context, writer);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
