import type { MetricDefinitions } from "./definitions.js";
import type { CallerLabels, ModelSeries } from "./types.js";

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

const noCaller: CallerLabels = Object.freeze({});

export function createModelSeries(
  definitions: MetricDefinitions,
  model: string,
  caller: CallerLabels = noCaller,
): ModelSeries {
  const requests = memo((key) => {
    const [endpoint = "", stream = "", code = ""] = key.split("|");
    return definitions.requests.labels({ ...caller, model, endpoint, stream, code });
  });
  const latency = memo((key) => {
    const [endpoint = "", stream = ""] = key.split("|");
    return definitions.latency.labels({ model, endpoint, stream });
  });
  const error = memo((type) => definitions.errors.labels({ ...caller, model, type }));
  const remaining = memo((resource) => definitions.ratelimitRemaining.labels({ model, resource }));
  const limit = memo((resource) => definitions.ratelimitLimit.labels({ model, resource }));
  return {
    promptTokens: lazy(() => definitions.tokens.labels({ ...caller, model, type: "prompt" })),
    completionTokens: lazy(() => definitions.tokens.labels({ ...caller, model, type: "completion" })),
    cachedTokens: lazy(() => definitions.cachedTokens.labels({ ...caller, model })),
    reasoningTokens: lazy(() => definitions.reasoningTokens.labels({ ...caller, model })),
    cost: lazy(() => definitions.cost.labels({ ...caller, model })),
    ttft: lazy(() => definitions.ttft.labels({ model })),
    unpriced: lazy(() => definitions.unpriced.labels({ ...caller, model })),
    usageEstimated: lazy(() => definitions.usageEstimated.labels({ ...caller, model })),
    requests: (endpoint, stream, code) => requests(`${endpoint}|${stream}|${code}`),
    latency: (endpoint, stream) => latency(`${endpoint}|${stream}`),
    error,
    ratelimitRemaining: remaining,
    ratelimitLimit: limit,
  };
}

/** Children are created lazily per model label; the labeler bounds how many labels there can be. */
export function createSeriesCache(definitions: MetricDefinitions): (model: string) => ModelSeries {
  return memo((model) => createModelSeries(definitions, model));
}
