import type { Config } from "../config/config.js";
import { createBudgetGauge, createOverflowCounter } from "../metrics/attribution-metrics.js";
import { anonymousAttribution, createCallers } from "../metrics/caller-series.js";
import type { Metrics } from "../metrics/registry.js";
import { type Attributor, callerLabelNames, createAttributor } from "./attributor.js";

export type AttributionSettings = Pick<Config, "clientKeys" | "attribution">;

/** The labels the counters are defined with, before the registry is built. */
export const counterCallerLabels = ({ clientKeys, attribution }: AttributionSettings): string[] =>
  callerLabelNames(clientKeys.length > 0, attribution.labels);

/**
 * The attributor over `metrics` (defined with `counterCallerLabels`), and the attribution metrics that
 * the configuration calls for: the overflow counter with attribution labels, the budget gauge with
 * budgets, nothing at all otherwise.
 */
export function createConfiguredAttributor(settings: AttributionSettings, metrics: Metrics): Attributor {
  const { clientKeys, attribution } = settings;
  const budgets = clientKeys.filter((key) => key.budget !== undefined);
  if (budgets.length > 0) {
    const gauge = createBudgetGauge(metrics.registry);
    for (const { name, budget } of budgets)
      gauge.labels({ key: name, period: budget?.period }).set(budget?.usd ?? 0);
  }
  const overflow = attribution.labels.length > 0 ? createOverflowCounter(metrics.registry) : undefined;
  const overflowOf = new Map(attribution.labels.map((label) => [label, overflow?.labels({ label })]));
  // At zero from the start, so "no overflow" reads 0 rather than no data.
  for (const child of overflowOf.values()) child?.inc(0);
  return createAttributor({
    keysConfigured: clientKeys.length > 0,
    labels: attribution.labels,
    maxValues: attribution.maxValues,
    callers: createCallers(metrics.definitions, counterCallerLabels(settings)),
    anonymous: anonymousAttribution(metrics.definitions),
    onOverflow: (label) => overflowOf.get(label)?.inc(),
  });
}
