import type { Pricer } from "../pricing/types.js";
import type { Usage } from "../usage/types.js";
import type { MetricDefinitions, RateLimitResource } from "./definitions.js";
import type { CountingChild, ObservingChild, SettingChild } from "./fast-children.js";
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
  | "stream_error"
  | "invalid_request"
  | "unauthorized"
  | "internal";

type CounterChild = CountingChild;
type HistogramChild = ObservingChild;
type GaugeChild = SettingChild;

/**
 * A model's children, each looked up once and kept (a proxy records about fifteen series per request),
 * and each updating its series without hashing its labels again (fast-children.ts).
 */
export interface ModelSeries {
  promptTokens(): CounterChild;
  completionTokens(): CounterChild;
  cachedTokens(): CounterChild;
  reasoningTokens(): CounterChild;
  cost(): CounterChild;
  ttft(): HistogramChild;
  unpriced(): CounterChild;
  usageEstimated(): CounterChild;
  requests(endpoint: Endpoint, stream: boolean, code: number): CounterChild;
  latency(endpoint: Endpoint, stream: boolean): HistogramChild;
  error(type: ErrorType): CounterChild;
  ratelimitRemaining(resource: RateLimitResource): GaugeChild;
  ratelimitLimit(resource: RateLimitResource): GaugeChild;
}

/** Labels of who made a request (`key`, the attribution labels), on the counters only; often none. */
export type CallerLabels = Readonly<Record<string, string>>;

/** Who made a request, as the counters show it: one object, with its children, per distinct caller. */
export interface Caller {
  readonly labels: CallerLabels;
  /** This caller's series of one model, children created on first use and kept. */
  readonly seriesFor: (model: string) => ModelSeries;
}

/** Who made one request: its caller, and what its access-log line says of it. */
export interface Attribution {
  readonly caller: Caller;
  /** The key's name and each attribution value as sent (cleaned, never capped); undefined if unconfigured. */
  readonly logged: Readonly<Record<string, string>> | undefined;
}

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
  /** The key's name and attribution values; undefined without client keys or attribution labels. */
  readonly caller: Readonly<Record<string, string>> | undefined;
}

export interface RecorderOptions {
  readonly definitions: MetricDefinitions;
  readonly labelModel: ModelLabeler;
  readonly pricer: Pricer;
  readonly onFinish?: (record: RequestRecord) => void;
  /** Usage with a count that is not a non-negative safe integer was reported, and ignored. */
  readonly onUncountableUsage?: () => void;
  readonly now?: () => number;
  /** Every request's attribution until `attribute` says otherwise: with client keys, key="none". */
  readonly unattributed?: Attribution;
}

export interface RequestMeter {
  readonly receivedAt: number;
  /** The model the client asked for; sets the label every series of this request is recorded under. */
  setModel(model: string | undefined): void;
  setRequestId(id: string | undefined): void;
  /** Who made the request, read once per request; sets the caller labels of every counter. */
  attribute(attribution: Attribution): void;
  /** Whether the client asked for a stream; known once the body is parsed. */
  setStream(stream: boolean): void;
  /** Marks the first chunk that carries content (streams only); later calls are ignored. */
  firstToken(): void;
  /**
   * Records billed tokens and their cost; a request has one usage, later calls are ignored. Usage with a
   * count that is not a non-negative safe integer is not recorded: the request counts as without usage.
   * The cost is the price of `answeredBy` (the model the response names) when the price table knows
   * it, else of the requested model; the model label stays the requested one either way.
   */
  usage(usage: Usage, options?: { estimated?: boolean; answeredBy?: string | undefined }): void;
  rateLimits(headers: RateLimitHeaders): void;
  /** Time spent working inside the proxy, in ms (waits for the upstream and the client excluded). */
  addOverhead(ms: number): void;
  /** Counts the request exactly once, with the status sent to the client; later calls are ignored. */
  finish(status: number, errorType?: ErrorType): void;
  readonly finished: boolean;
  /** The cost recorded so far; undefined before usage, or when the model has no price. */
  readonly costUsd: number | undefined;
}

/** Follows one request beside its metrics (its trace span), and is told when the request is counted. */
export interface RequestWatcher {
  /** Labels of an exemplar (trace_id, span_id) for the request's latency and TTFT observations. */
  readonly exemplar: Readonly<Record<string, string>> | undefined;
  finished(record: RequestRecord): void;
}

export interface Recorder {
  begin(endpoint: Endpoint, watcher?: RequestWatcher): RequestMeter;
}
