import { readFileSync } from "node:fs";
import { join } from "node:path";
import { collectDefaultMetrics, Registry } from "prom-client";
import { parse } from "yaml";
import { createBudgetGauge, createOverflowCounter } from "../../src/metrics/attribution-metrics.js";
import { createMetricDefinitions } from "../../src/metrics/definitions.js";
import { listFiles, repoRoot } from "./tools.js";

export interface KnownMetrics {
  /** Series names a query may select: counters and gauges as named, histograms by their suffixes. */
  readonly names: ReadonlySet<string>;
  /** Series names that carry a `model` label, so dashboard queries must filter them by $model. */
  readonly withModelLabel: ReadonlySet<string>;
}

export interface RuleEntry {
  readonly file: string;
  readonly group: string;
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
}

// https://prometheus.io/docs/concepts/metric_types/#histogram
const suffixes: Record<string, readonly string[]> = {
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};

/** Read from a live registry built like the proxy's, so a renamed metric breaks these tests at once. */
export async function proxyMetrics(): Promise<KnownMetrics> {
  const registry = new Registry();
  createMetricDefinitions({ registry });
  // Registered only when client keys with budgets or attribution labels are configured.
  createOverflowCounter(registry);
  createBudgetGauge(registry);
  collectDefaultMetrics({ register: registry });
  // `up` is written by Prometheus itself for every target: https://prometheus.io/docs/concepts/jobs_instances/
  const names = new Set<string>(["up"]);
  const withModelLabel = new Set<string>();
  for (const { name, type } of await registry.getMetricsAsJSON()) {
    const series = (suffixes[String(type)] ?? [""]).map((suffix) => `${name}${suffix}`);
    for (const each of series) names.add(each);
    // prom-client keeps the configured label names on the metric; its typings do not expose them.
    const labelNames = (registry.getSingleMetric(name) as unknown as { labelNames?: unknown }).labelNames;
    if (!Array.isArray(labelNames)) throw new Error(`prom-client no longer exposes labelNames on ${name}`);
    if (labelNames.includes("model")) for (const each of series) withModelLabel.add(each);
  }
  return { names, withModelLabel };
}

interface RuleFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string | number }[] }[];
}

export function loadRules(): RuleEntry[] {
  return listFiles("prometheus/rules", ".yml").flatMap((file) => {
    const parsed = parse(readFileSync(join(repoRoot, file), "utf8")) as RuleFile;
    return parsed.groups.flatMap((group) =>
      group.rules.map((rule) => ({
        file,
        group: group.name,
        expr: String(rule.expr),
        ...(rule.record === undefined ? {} : { record: rule.record }),
        ...(rule.alert === undefined ? {} : { alert: rule.alert }),
      })),
    );
  });
}
