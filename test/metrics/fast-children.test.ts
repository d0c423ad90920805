import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { counterChild, gaugeChild, histogramChild } from "../../src/metrics/fast-children.js";

const buckets = [0.001, 0.01, 0.1, 1];

function metricsOf(registry: Registry) {
  const labelNames = ["model", "endpoint", "key"];
  return {
    counter: new Counter({ name: "c_total", help: "c", labelNames, registers: [registry] }),
    gauge: new Gauge({ name: "g", help: "g", labelNames, registers: [registry] }),
    histogram: new Histogram({ name: "h_seconds", help: "h", labelNames, buckets, registers: [registry] }),
  };
}

const labelSets = [
  { model: "gpt-4o", endpoint: "chat_completions", key: "team-a" },
  { model: "gpt-4o", endpoint: "responses", key: "team-a" },
  // Values prom-client's key would confuse if it were built carelessly: separators inside a value.
  { model: "a:b,c", endpoint: "x", key: "" },
];

/** The same updates through prom-client's children and through ours must render the same exposition. */
function applyUpdates(
  m: ReturnType<typeof metricsOf>,
  children: (labels: (typeof labelSets)[number]) => {
    inc(v?: number): void;
    set(v: number): void;
    add(v: number): void;
    observe(v: number): void;
  },
) {
  const values = [0, 1, 0.0005, 0.001, 0.0011, 0.5, 1, 1.5, 1e9, 3];
  for (const [i, labels] of labelSets.entries()) {
    const c = children(labels);
    for (const value of values) {
      c.inc(value);
      c.inc();
      c.set(value * (i + 1));
      c.add(value);
      c.observe(value);
    }
  }
  return m;
}

describe("label children that skip prom-client's per-update hashing", () => {
  it("render exactly what prom-client's own children render, for counters, gauges and histograms", async () => {
    const plain = new Registry();
    const direct = new Registry();
    applyUpdates(metricsOf(plain), (labels) => {
      const m = plain;
      const c = m.getSingleMetric("c_total") as Counter<string>;
      const g = m.getSingleMetric("g") as Gauge<string>;
      const h = m.getSingleMetric("h_seconds") as Histogram<string>;
      return {
        inc: (v) => c.labels(labels).inc(v),
        set: (v) => g.labels(labels).set(v),
        add: (v) => g.labels(labels).inc(v),
        observe: (v) => h.labels(labels).observe(v),
      };
    });
    const ours = metricsOf(direct);
    const kept = new Map<string, ReturnType<typeof fastChildren>>();
    const fastChildren = (labels: (typeof labelSets)[number]) => ({
      counter: counterChild(ours.counter, labels),
      gauge: gaugeChild(ours.gauge, labels),
      histogram: histogramChild(ours.histogram, labels),
    });
    applyUpdates(ours, (labels) => {
      const key = JSON.stringify(labels);
      const c = kept.get(key) ?? fastChildren(labels);
      kept.set(key, c);
      return {
        inc: (v) => c.counter.inc(v),
        set: (v) => c.gauge.set(v),
        add: (v) => c.gauge.inc(v),
        observe: (v) => c.histogram.observe(v),
      };
    });
    expect(await direct.metrics()).toBe(await plain.metrics());
    // With the installed prom-client every child found its series after its first update: if an
    // upgrade moves prom-client's internals, this fails instead of the proxy silently slowing down.
    for (const c of kept.values()) {
      expect([c.counter.direct, c.gauge.direct, c.histogram.direct]).toEqual([true, true, true]);
    }
  });

  it("keeps counting after the registry is reset, and still refuses what prom-client refuses", async () => {
    const registry = new Registry();
    const m = metricsOf(registry);
    const labels = labelSets[0] as (typeof labelSets)[number];
    const counter = counterChild(m.counter, labels);
    const histogram = histogramChild(m.histogram, labels);
    counter.inc(2);
    histogram.observe(0.5);
    registry.resetMetrics();
    counter.inc(3);
    counter.inc(4);
    histogram.observe(0.05);
    const text = await registry.metrics();
    expect(text).toContain('c_total{model="gpt-4o",endpoint="chat_completions",key="team-a"} 7');
    expect(text).toContain('h_seconds_count{model="gpt-4o",endpoint="chat_completions",key="team-a"} 1');
    expect(() => counter.inc(-1)).toThrow(/decrease/);
    expect(() => histogram.observe(Number.NaN)).toThrow(/not a valid number/);
    expect(text).not.toContain("NaN");
  });

  it("falls back to prom-client's child when the metric does not look like prom-client 15 inside", () => {
    const seen: number[] = [];
    const lookAlike = {
      labels: () => ({ inc: (v: number) => seen.push(v), observe: (v: number) => seen.push(v) }),
      hashMap: undefined,
    };
    const counter = counterChild(lookAlike as unknown as Counter<string>, { model: "m" });
    const histogram = histogramChild(lookAlike as unknown as Histogram<string>, { model: "m" });
    counter.inc(1);
    counter.inc(2);
    histogram.observe(3);
    histogram.observe(4);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect([counter.direct, histogram.direct]).toEqual([false, false]);
  });
});
