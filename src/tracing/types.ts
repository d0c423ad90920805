import type { IncomingHttpHeaders } from "node:http";
import type { Endpoint, RequestRecord } from "../metrics/types.js";
import type { Json } from "../usage/json.js";

/** What a response says of itself, read from its body or its stream's events (never its content). */
export interface ResponseInfo {
  readonly id?: string;
  readonly model?: string;
  readonly finishReasons?: readonly string[];
}

/** One request's span: started when the request arrives, ended when the metrics count it. */
export interface RequestTrace {
  /** trace_id and span_id for the exemplars of this request's observations; undefined when unsampled. */
  readonly exemplar: Readonly<Record<string, string>> | undefined;
  /** The model asked for and the parameters the body set (max tokens, temperature, ...). */
  request(model: string, body: Json): void;
  response(info: ResponseInfo): void;
  /** The upstream request's headers with this span's trace context in place of the client's. */
  upstreamHeaders(headers: string[]): string[];
  /** Ends the span with what the metrics recorded; called once, when the request is counted. */
  finished(record: RequestRecord): void;
}

export interface IncomingRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

export interface Tracing {
  /** Starts the span of a request received at `startTime` (performance.now()). */
  begin(endpoint: Endpoint, req: IncomingRequest, startTime: number): RequestTrace;
  forceFlush(): Promise<void>;
  /** Exports what is still queued, then stops. */
  shutdown(): Promise<void>;
}
