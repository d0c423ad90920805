import type { Pricer } from "../pricing/types.js";
import type { Usage } from "../usage/types.js";
import type { MetricDefinitions } from "./definitions.js";
import type { ModelLabeler } from "./model-labels.js";
import type { RateLimitHeaders } from "./rate-limit-headers.js";

/** The endpoints the proxy meters separately; also the values of the `endpoint` label. */
export type Endpoint = "chat_completions" | "responses" | "embeddings" | "completions" | "ask" | "other";

/** The values of the `type` label of llm_errors_total. */
export type ErrorType =
  | "rate_limit"
  | "upstream_4xx"
  | "upstream_5xx"
  | "timeout"
  | "connection"
  | "stream_interrupted"
  | "invalid_request"
  | "unauthorized"
  | "internal";

/** What one finished request was; the access log writes it, the metrics above already hold it. */
export interface RequestRecord {
  readonly requestId: string | undefined;
  readonly model: string;
  readonly endpoint: Endpoint;
  readonly stream: boolean;
  readonly status: number;
  readonly latencySeconds: number;
  readonly ttftSeconds: number | undefined;
  readonly usage: Usage | undefined;
  readonly usageEstimated: boolean;
  readonly costUsd: number | undefined;
  readonly errorType: ErrorType | undefined;
}

export interface RecorderOptions {
  readonly definitions: MetricDefinitions;
  readonly labelModel: ModelLabeler;
  readonly pricer: Pricer;
  readonly onFinish?: (record: RequestRecord) => void;
  /** Usage with a count that is not a non-negative safe integer was reported, and ignored. */
  readonly onUncountableUsage?: () => void;
  readonly now?: () => number;
}

export interface RequestMeter {
  readonly receivedAt: number;
  /** The model the client asked for; sets the label every series of this request is recorded under. */
  setModel(model: string | undefined): void;
  setRequestId(id: string | undefined): void;
  /** Whether the client asked for a stream; known once the body is parsed. */
  setStream(stream: boolean): void;
  /** Marks the first chunk that carries content (streams only); later calls are ignored. */
  firstToken(): void;
  /**
   * Records billed tokens and their cost; a request has one usage, later calls are ignored. Usage with a
   * count that is not a non-negative safe integer is not recorded: the request counts as without usage.
   */
  usage(usage: Usage, options?: { estimated?: boolean }): void;
  rateLimits(headers: RateLimitHeaders): void;
  /** Time spent working inside the proxy, in ms (waits for the upstream and the client excluded). */
  addOverhead(ms: number): void;
  /** Counts the request exactly once, with the status sent to the client; later calls are ignored. */
  finish(status: number, errorType?: ErrorType): void;
  readonly finished: boolean;
  /** The cost recorded so far; undefined before usage, or when the model has no price. */
  readonly costUsd: number | undefined;
}

export interface Recorder {
  begin(endpoint: Endpoint): RequestMeter;
}
