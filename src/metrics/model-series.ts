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

/** Creates the child on first use only: a series nobody recorded would be a zero line in every scrape. */
function lazy<T>(create: () => T): () => T {
  let child: T | undefined;
  return () => {
    child ??= create();
    return child;
  };
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
    promptTokens: lazy(() => m.tokens.labels({ model, type: "prompt" })),
    completionTokens: lazy(() => m.tokens.labels({ model, type: "completion" })),
    cachedTokens: lazy(() => m.cachedTokens.labels({ model })),
    reasoningTokens: lazy(() => m.reasoningTokens.labels({ model })),
    cost: lazy(() => m.cost.labels({ model })),
    ttft: lazy(() => m.ttft.labels({ model })),
    unpriced: lazy(() => m.unpriced.labels({ model })),
    usageEstimated: lazy(() => m.usageEstimated.labels({ model })),
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
