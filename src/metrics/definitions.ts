import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/**
 * OpenTelemetry GenAI's advisory boundaries for gen_ai.client.operation.duration (0.01 s doubling to
 * 81.92 s), extended past 600 s because generations of several minutes are normal.
 * https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-metrics/
 */
export const defaultLatencyBuckets: readonly number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 163.84, 327.68,
  655.36,
];

/** OpenTelemetry GenAI's boundaries for gen_ai.server.time_to_first_token, extended to 60 s. */
const ttftBuckets: readonly number[] = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 15, 20, 30, 60,
];

/** The proxy's own cost is sub-millisecond when healthy; the tail shows event-loop trouble. */
const overheadBuckets: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];

export type RateLimitResource = "requests" | "tokens";

export interface MetricDefinitions {
  readonly requests: Counter<"model" | "endpoint" | "stream" | "code">;
  readonly tokens: Counter<"model" | "type">;
  readonly cachedTokens: Counter<"model">;
  readonly reasoningTokens: Counter<"model">;
  readonly latency: Histogram<"model" | "endpoint" | "stream">;
  readonly ttft: Histogram<"model">;
  readonly overhead: Histogram<"endpoint">;
  readonly cost: Counter<"model">;
  readonly errors: Counter<"model" | "type">;
  readonly inFlight: Gauge<"endpoint">;
  readonly unpriced: Counter<"model">;
  readonly usageEstimated: Counter<"model">;
  readonly ratelimitRemaining: Gauge<"model" | "resource">;
  readonly ratelimitLimit: Gauge<"model" | "resource">;
}

export interface DefinitionOptions {
  readonly registry: Registry;
  readonly latencyBuckets?: readonly number[];
  /** `key` and the attribution labels, on the counters only; none unless configured. */
  readonly callerLabels?: readonly string[];
  /** Latency and TTFT observations keep an exemplar (a trace id) per bucket; on with tracing. */
  readonly exemplars?: boolean;
}

export function createMetricDefinitions({
  registry,
  latencyBuckets = defaultLatencyBuckets,
  callerLabels = [],
  exemplars = false,
}: DefinitionOptions): MetricDefinitions {
  const registers = [registry];
  // The caller's labels are typed as plain strings: the series code sets them from the caller's record.
  const counted = <T extends string>(...names: T[]): T[] => [...names, ...(callerLabels as T[])];
  // prom-client refuses an exemplar histogram on a text-format registry, but only when it is constructed:
  // rendering the text format leaves exemplars out (lib/registry.js), and renderOpenMetrics writes them.
  const exemplarHistogram = <T extends string>(histogram: Histogram<T>): Histogram<T> => {
    if (exemplars) registry.registerMetric(histogram);
    return histogram;
  };
  const histogramRegisters = exemplars ? [] : registers;
  // Names carry their unit and `_total` on counters: https://prometheus.io/docs/practices/naming/
  return {
    requests: new Counter({
      name: "llm_requests_total",
      help: "Requests answered by the proxy, by the HTTP status sent to the client (499: client went away).",
      labelNames: counted("model", "endpoint", "stream", "code"),
      registers,
    }),
    tokens: new Counter({
      name: "llm_tokens_total",
      help: "Tokens billed by the upstream, in tokens; cached and reasoning tokens are included here once.",
      labelNames: counted("model", "type"),
      registers,
    }),
    cachedTokens: new Counter({
      name: "llm_cached_tokens_total",
      help: "Prompt tokens served from the upstream's prompt cache, in tokens (a subset of type=prompt).",
      labelNames: counted("model"),
      registers,
    }),
    reasoningTokens: new Counter({
      name: "llm_reasoning_tokens_total",
      help: "Completion tokens spent on hidden reasoning, in tokens (a subset of type=completion).",
      labelNames: counted("model"),
      registers,
    }),
    latency: exemplarHistogram(
      new Histogram({
        name: "llm_request_latency_seconds",
        help: "Time from request receipt to the last byte sent to the client, in seconds.",
        labelNames: ["model", "endpoint", "stream"],
        buckets: [...latencyBuckets],
        enableExemplars: exemplars,
        registers: histogramRegisters,
      }),
    ),
    ttft: exemplarHistogram(
      new Histogram({
        name: "llm_time_to_first_token_seconds",
        help: "Streamed requests: time from request receipt to the first chunk carrying content, in seconds.",
        labelNames: ["model"],
        buckets: [...ttftBuckets],
        enableExemplars: exemplars,
        registers: histogramRegisters,
      }),
    ),
    overhead: new Histogram({
      name: "llm_proxy_overhead_seconds",
      help: "Time spent inside the proxy itself, excluding waits for the upstream and the client, in seconds.",
      labelNames: ["endpoint"],
      buckets: [...overheadBuckets],
      registers,
    }),
    cost: new Counter({
      name: "llm_cost_usd_total",
      help: "Cost of the billed tokens at list price, in US dollars.",
      labelNames: counted("model"),
      registers,
    }),
    errors: new Counter({
      name: "llm_errors_total",
      help: "Failed requests by cause (rate_limit is an upstream 429).",
      labelNames: counted("model", "type"),
      registers,
    }),
    inFlight: new Gauge({
      name: "llm_requests_in_flight",
      help: "Requests currently being proxied.",
      labelNames: ["endpoint"],
      registers,
    }),
    unpriced: new Counter({
      name: "llm_unpriced_requests_total",
      help: "Requests whose model has no price, so their cost is unknown (not zero).",
      labelNames: counted("model"),
      registers,
    }),
    usageEstimated: new Counter({
      name: "llm_usage_estimated_total",
      help: "Requests whose tokens were estimated with a tokenizer because the upstream reported no usage.",
      labelNames: counted("model"),
      registers,
    }),
    ratelimitRemaining: new Gauge({
      name: "llm_ratelimit_remaining",
      help: "Upstream rate-limit headroom left, from x-ratelimit-remaining-* (requests or tokens).",
      labelNames: ["model", "resource"],
      // Workers share one upstream budget: the group's headroom is the lowest any worker saw, not a sum.
      aggregator: "min",
      registers,
    }),
    ratelimitLimit: new Gauge({
      name: "llm_ratelimit_limit",
      help: "Upstream rate limit, from x-ratelimit-limit-* (requests or tokens per window).",
      labelNames: ["model", "resource"],
      aggregator: "max",
      registers,
    }),
  };
}
