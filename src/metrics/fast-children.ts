import type { Counter, Gauge, Histogram } from "prom-client";

/**
 * Label children that find their series without hashing the labels again.
 *
 * A prom-client child (`metric.labels(...)`) re-validates and re-hashes its labels on every `inc`,
 * `set` or `observe`: about a tenth of the proxy's CPU per request, for some fifteen updates
 * (bench/results/profile.md). These children compute the series' key once, as prom-client 15 does
 * (`name:value,` over the sorted label names), and update the entry prom-client itself created and
 * exposes. They check that assumption on their first update: if the entry is not where and what it
 * should be (another prom-client version), the child keeps using prom-client's own child, so a change
 * inside prom-client costs speed, never a wrong number. `metric.reset()` replaces the map; the next
 * update then finds no entry and goes through prom-client, which creates it again.
 */

export interface CountingChild {
  inc(value?: number): void;
}

/** Whether a child updates its series directly: true after its first update with prom-client 15. */
export interface DirectChild {
  readonly direct: boolean;
}

export interface SettingChild {
  set(value: number): void;
  inc(value?: number): void;
  dec(value?: number): void;
}

export interface ObservingChild {
  observe(value: number): void;
}

type Labels = Readonly<Record<string, string>>;

interface ValueEntry {
  value: number;
  labels: Labels;
}

interface HistogramEntry {
  sum: number;
  count: number;
  bucketValues: Record<number, number>;
  labels: Labels;
}

/** What is read of prom-client's metric objects; none of it is in its typings. */
interface Internals<Entry> {
  readonly hashMap: Record<string, Entry | undefined>;
  readonly sortedLabelNames: readonly string[];
  readonly upperBounds?: readonly number[];
}

/** Marks a child whose metric did not look as expected: it always goes through prom-client. */
const unverified = null;

function internalsOf<Entry>(metric: unknown): Internals<Entry> {
  return metric as Internals<Entry>;
}

/** The entry's key if prom-client keeps this series where and as expected, else `unverified`. */
function verifiedKey(internals: Internals<{ labels: Labels }>, labels: Labels): string | null {
  if (!Array.isArray(internals.sortedLabelNames) || typeof internals.hashMap !== "object") return unverified;
  let key = "";
  for (const name of internals.sortedLabelNames) {
    const value = labels[name];
    if (value !== undefined) key += `${name}:${value},`;
  }
  const entry = internals.hashMap[key];
  if (entry === undefined || typeof entry.labels !== "object") return unverified;
  const names = Object.keys(labels);
  const same = names.length === Object.keys(entry.labels).length;
  return same && names.every((name) => entry.labels[name] === labels[name]) ? key : unverified;
}

const countable = (value: number): boolean => value >= 0 && value !== Number.POSITIVE_INFINITY;

export function counterChild(counter: Counter<string>, labels: Labels): CountingChild & DirectChild {
  const internals = internalsOf<ValueEntry>(counter);
  const child = counter.labels(labels);
  let key: string | null | undefined;
  return {
    get direct() {
      return typeof key === "string";
    },
    inc(value = 1) {
      const entry = key ? internals.hashMap[key] : undefined;
      if (entry !== undefined && countable(value)) {
        entry.value += value;
        return;
      }
      child.inc(value);
      if (key === undefined) key = verifiedKey(internals, labels);
    },
  };
}

export function gaugeChild(gauge: Gauge<string>, labels: Labels): SettingChild & DirectChild {
  const internals = internalsOf<ValueEntry>(gauge);
  const child = gauge.labels(labels);
  let key: string | null | undefined;
  const add = (delta: number): void => {
    const entry = key ? internals.hashMap[key] : undefined;
    if (entry !== undefined && Number.isFinite(delta)) entry.value += delta;
    else {
      child.inc(delta);
      if (key === undefined) key = verifiedKey(internals, labels);
    }
  };
  return {
    get direct() {
      return typeof key === "string";
    },
    set(value) {
      const entry = key ? internals.hashMap[key] : undefined;
      if (entry !== undefined && typeof value === "number") {
        entry.value = value;
        return;
      }
      child.set(value);
      if (key === undefined) key = verifiedKey(internals, labels);
    },
    inc: (value = 1) => add(value),
    dec: (value = 1) => add(-value),
  };
}

export function histogramChild(histogram: Histogram<string>, labels: Labels): ObservingChild & DirectChild {
  const internals = internalsOf<HistogramEntry>(histogram);
  const bounds = internals.upperBounds ?? [];
  const child = histogram.labels(labels);
  let key: string | null | undefined = Array.isArray(internals.upperBounds) ? undefined : unverified;
  return {
    get direct() {
      return typeof key === "string";
    },
    observe(value) {
      const entry = key ? internals.hashMap[key] : undefined;
      if (entry === undefined || !Number.isFinite(value)) {
        child.observe(value);
        if (key === undefined) key = verifiedKey(internals, labels);
        return;
      }
      entry.sum += value;
      entry.count += 1;
      // Each bucket counts only its own range; prom-client sums them when it renders.
      for (const bound of bounds) {
        if (value <= bound) {
          entry.bucketValues[bound] = (entry.bucketValues[bound] ?? 0) + 1;
          return;
        }
      }
    },
  };
}
