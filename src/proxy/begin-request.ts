import type { IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";
import type { Endpoint, Recorder, RequestMeter } from "../metrics/types.js";
import type { RequestTrace, Tracing } from "../tracing/types.js";

export interface BeginDeps {
  readonly recorder: Recorder;
  /** Undefined while tracing is off: then no span is started and nothing else happens. */
  readonly tracing: Tracing | undefined;
}

export interface RequestStart {
  readonly meter: RequestMeter;
  readonly trace: RequestTrace | undefined;
}

/** A request's meter and, with tracing on, its span, which ends when the meter counts the request. */
export function beginRequest(deps: BeginDeps, endpoint: Endpoint, req: IncomingMessage): RequestStart {
  const trace = deps.tracing?.begin(endpoint, req, performance.now());
  return { meter: deps.recorder.begin(endpoint, trace), trace };
}
