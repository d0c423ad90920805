import type { MetricDefinitions } from "./definitions.js";
import {
  type CallerLabels,
  createModelSeries,
  createSeriesCache,
  type ModelSeries,
  memo,
} from "./model-series.js";

export type { CallerLabels };

/** Who made a request, as the counters show it: the same object for every request of that caller. */
export interface Caller {
  readonly labels: CallerLabels;
  /** This caller's series of one model, children created on first use and kept. */
  readonly seriesFor: (model: string) => ModelSeries;
}

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
export function createAnonymousCaller(m: MetricDefinitions): Caller {
  return { labels: Object.freeze({}), seriesFor: createSeriesCache(m) };
}
