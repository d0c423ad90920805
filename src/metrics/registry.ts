import { collectDefaultMetrics, Registry } from "prom-client";
import { createMetricDefinitions, type MetricDefinitions } from "./definitions.js";

export interface Metrics {
  readonly registry: Registry;
  readonly definitions: MetricDefinitions;
}

export interface MetricsOptions {
  readonly latencyBuckets?: readonly number[];
  /** prom-client's process and Node.js metrics; off in unit tests that create many registries. */
  readonly defaultMetrics?: boolean;
  /** `key` and the attribution labels the counters carry; none unless configured. */
  readonly callerLabels?: readonly string[];
  /** Exemplars on the latency and TTFT histograms (tracing on). */
  readonly exemplars?: boolean;
}

/** The proxy's own registry, never prom-client's global one, so tests and workers each get a clean set. */
export function createMetrics({
  latencyBuckets,
  defaultMetrics = true,
  callerLabels = [],
  exemplars = false,
}: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  const definitions = createMetricDefinitions(
    latencyBuckets === undefined
      ? { registry, callerLabels, exemplars }
      : { registry, latencyBuckets, callerLabels, exemplars },
  );
  return { registry, definitions };
}
