import type { Env } from "./env-file.js";
import { ConfigError, readList, readNumber } from "./parsers.js";

/** Caller-declared dimensions, each a label on the cost and token counters. */
export interface AttributionConfig {
  readonly labels: readonly string[];
  /** Distinct values per label per process; later new values count as `other`. */
  readonly maxValues: number;
}

const maxLabels = 5;
const labelPattern = /^[a-z][a-z0-9_]{0,30}$/;

// The proxy's own label names, Prometheus' target labels and its histogram and summary labels: a
// caller's dimension under one of these names would overwrite or shadow it.
const reserved = new Set([
  "model",
  "endpoint",
  "stream",
  "code",
  "type",
  "resource",
  "key",
  "label",
  "period",
  "le",
  "quantile",
  "instance",
  "job",
]);

export function readAttribution(env: Env): AttributionConfig {
  const labels = readList(env, "ATTRIBUTION_LABELS");
  const raw = labels.join(",");
  const fail = (expected: string) => new ConfigError("ATTRIBUTION_LABELS", expected, raw);
  if (labels.length > maxLabels) throw fail(`at most ${maxLabels} comma-separated names`);
  const bad = labels.find((label) => !labelPattern.test(label));
  if (bad !== undefined) throw fail(`names matching ${labelPattern.source} ("${bad}" does not)`);
  const taken = labels.find((label) => reserved.has(label));
  if (taken !== undefined) throw fail(`names other than the proxy's own labels ("${taken}" is one)`);
  const twice = labels.find((label, index) => labels.indexOf(label) !== index);
  if (twice !== undefined) throw fail(`each name once ("${twice}" is repeated)`);
  return Object.freeze({
    labels: Object.freeze(labels),
    maxValues: readNumber(env, "MAX_ATTRIBUTION_VALUES", 100, { min: 0, max: 10_000, integer: true }),
  });
}
