import type { MetricDefinitions } from "./definitions.js";
import { counterChild, gaugeChild, histogramChild } from "./fast-children.js";
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
    return counterChild(definitions.requests, { ...caller, model, endpoint, stream, code });
  });
  const latency = memo((key) => {
    const [endpoint = "", stream = ""] = key.split("|");
    return histogramChild(definitions.latency, { model, endpoint, stream });
  });
  const error = memo((type) => counterChild(definitions.errors, { ...caller, model, type }));
  const remaining = memo((resource) => gaugeChild(definitions.ratelimitRemaining, { model, resource }));
  const limit = memo((resource) => gaugeChild(definitions.ratelimitLimit, { model, resource }));
  return {
    promptTokens: lazy(() => counterChild(definitions.tokens, { ...caller, model, type: "prompt" })),
    completionTokens: lazy(() => counterChild(definitions.tokens, { ...caller, model, type: "completion" })),
    cachedTokens: lazy(() => counterChild(definitions.cachedTokens, { ...caller, model })),
    reasoningTokens: lazy(() => counterChild(definitions.reasoningTokens, { ...caller, model })),
    cost: lazy(() => counterChild(definitions.cost, { ...caller, model })),
    ttft: lazy(() => histogramChild(definitions.ttft, { model })),
    unpriced: lazy(() => counterChild(definitions.unpriced, { ...caller, model })),
    usageEstimated: lazy(() => counterChild(definitions.usageEstimated, { ...caller, model })),
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
