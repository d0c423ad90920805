import type { Counter, Gauge, Histogram } from "prom-client";
import type { Endpoint } from "../usage/types.js";
import type { ErrorType, MetricDefinitions, RateLimitResource } from "./definitions.js";

type CounterChild = Counter.Internal;
type HistogramChild = Histogram.Internal<string>;
type GaugeChild = Gauge.Internal<string>;

/**
 * prom-client's `labels()` hashes its arguments on every call; a proxy records about ten series per
 * request, so each model's children are looked up once and kept.
 */
export interface ModelSeries {
  readonly promptTokens: CounterChild;
  readonly completionTokens: CounterChild;
  readonly cachedTokens: CounterChild;
  readonly reasoningTokens: CounterChild;
  readonly cost: CounterChild;
  readonly ttft: HistogramChild;
  readonly unpriced: CounterChild;
  readonly usageEstimated: CounterChild;
  requests(endpoint: Endpoint, stream: boolean, code: number): CounterChild;
  latency(endpoint: Endpoint, stream: boolean): HistogramChild;
  error(type: ErrorType): CounterChild;
  ratelimitRemaining(resource: RateLimitResource): GaugeChild;
  ratelimitLimit(resource: RateLimitResource): GaugeChild;
}

export function memo<T>(create: (key: string) => T): (key: string) => T {
  const children = new Map<string, T>();
  return (key) => {
    let child = children.get(key);
    if (child === undefined) {
      child = create(key);
      children.set(key, child);
    }
    return child;
  };
}

export function createModelSeries(m: MetricDefinitions, model: string): ModelSeries {
  const requests = memo((key) => {
    const [endpoint = "", stream = "", code = ""] = key.split("|");
    return m.requests.labels({ model, endpoint, stream, code });
  });
  const latency = memo((key) => {
    const [endpoint = "", stream = ""] = key.split("|");
    return m.latency.labels({ model, endpoint, stream });
  });
  const error = memo((type) => m.errors.labels({ model, type }));
  const remaining = memo((resource) => m.ratelimitRemaining.labels({ model, resource }));
  const limit = memo((resource) => m.ratelimitLimit.labels({ model, resource }));
  return {
    promptTokens: m.tokens.labels({ model, type: "prompt" }),
    completionTokens: m.tokens.labels({ model, type: "completion" }),
    cachedTokens: m.cachedTokens.labels({ model }),
    reasoningTokens: m.reasoningTokens.labels({ model }),
    cost: m.cost.labels({ model }),
    ttft: m.ttft.labels({ model }),
    unpriced: m.unpriced.labels({ model }),
    usageEstimated: m.usageEstimated.labels({ model }),
    requests: (endpoint, stream, code) => requests(`${endpoint}|${stream}|${code}`),
    latency: (endpoint, stream) => latency(`${endpoint}|${stream}`),
    error,
    ratelimitRemaining: remaining,
    ratelimitLimit: limit,
  };
}

/** Children are created lazily per model label; the labeler bounds how many labels there can be. */
export function createSeriesCache(m: MetricDefinitions): (model: string) => ModelSeries {
  return memo((model) => createModelSeries(m, model));
}
