import type { MetricDefinitions } from "./definitions.js";
import { createModelSeries, createSeriesCache, memo } from "./model-series.js";
import type { Attribution, Caller } from "./types.js";

/** Label values never hold control characters, so this cannot occur inside one. */
const separator = "\u0000";

/**
 * The callers' series, one set per distinct combination of caller label values (given in `names`
 * order), so a request's children are found with one Map lookup. The combinations are bounded by the
 * number of keys and the per-label caps (docs/attribution.md has the arithmetic).
 */
export function createCallers(
  m: MetricDefinitions,
  names: readonly string[],
): (values: readonly string[]) => Caller {
  const callers = new Map<string, Caller>();
  return (values) => {
    const joined = values.join(separator);
    let caller = callers.get(joined);
    if (caller === undefined) {
      const labels = Object.freeze(Object.fromEntries(names.map((name, i) => [name, values[i] ?? ""])));
      caller = { labels, seriesFor: memo((model) => createModelSeries(m, model, labels)) };
      callers.set(joined, caller);
    }
    return caller;
  };
}

/** The one caller of a proxy without client keys or attribution labels: the series as they always were. */
export function anonymousAttribution(m: MetricDefinitions): Attribution {
  return { caller: { labels: Object.freeze({}), seriesFor: createSeriesCache(m) }, logged: undefined };
}
