import { describe, expect, it } from "vitest";
import { createModelLabeler } from "../../src/metrics/model-labels.js";
import { createRecorder } from "../../src/metrics/recorder.js";
import { createMetrics } from "../../src/metrics/registry.js";
import type { Pricer } from "../../src/pricing/types.js";
import type { Usage } from "../../src/usage/types.js";
import { parseMetrics, seriesValue } from "../helpers/metrics.js";

function recorderWith(costOf: Pricer["costOf"]) {
  const metrics = createMetrics({ defaultMetrics: false });
  let uncountable = 0;
  const recorder = createRecorder({
    definitions: metrics.definitions,
    labelModel: createModelLabeler({ isKnown: () => true, maxModelLabels: 5 }),
    pricer: { costOf },
    onUncountableUsage: () => {
      uncountable += 1;
    },
  });
  const scrape = async () => parseMetrics(await metrics.registry.metrics());
  return { recorder, scrape, uncountable: () => uncountable };
}

const usage = (promptTokens: number, completionTokens = 1): Usage => ({
  promptTokens,
  completionTokens,
  cachedTokens: 0,
  reasoningTokens: 0,
});

describe("the meter's usage guard", () => {
  it("records usage whose counts are non-negative safe integers", async () => {
    const { recorder, scrape } = recorderWith(() => 0.5);
    const meter = recorder.begin("chat_completions");
    meter.setModel("m");
    meter.usage(usage(Number.MAX_SAFE_INTEGER));
    meter.finish(200);
    const m = await scrape();
    expect(seriesValue(m, "llm_tokens_total", { model: "m", type: "prompt" })).toBe(Number.MAX_SAFE_INTEGER);
    expect(seriesValue(m, "llm_cost_usd_total", { model: "m" })).toBe(0.5);
  });

  it("ignores usage with any other count, reports it, and still counts the request", async () => {
    const { recorder, scrape, uncountable } = recorderWith(() => 1);
    for (const bad of [usage(1e308), usage(-1), usage(1.5), usage(Number.NaN), usage(1, Infinity)]) {
      const meter = recorder.begin("chat_completions");
      meter.setModel("m");
      meter.usage(bad);
      expect(meter.costUsd).toBeUndefined();
      meter.finish(200);
    }
    const m = await scrape();
    expect(
      seriesValue(m, "llm_requests_total", {
        model: "m",
        endpoint: "chat_completions",
        stream: "false",
        code: "200",
      }),
    ).toBe(5);
    expect(seriesValue(m, "llm_tokens_total", { model: "m", type: "prompt" })).toBe(0);
    expect(uncountable()).toBe(5);
  });

  it("counts a cost that overflows (a price from PRICES_FILE times many tokens) as unpriced, never throws", async () => {
    for (const cost of [Infinity, Number.NaN, -1]) {
      const { recorder, scrape } = recorderWith(() => cost);
      const meter = recorder.begin("chat_completions");
      meter.setModel("m");
      expect(() => meter.usage(usage(10))).not.toThrow();
      expect(meter.costUsd).toBeUndefined();
      meter.finish(200);
      const m = await scrape();
      expect(seriesValue(m, "llm_unpriced_requests_total", { model: "m" })).toBe(1);
      expect(seriesValue(m, "llm_tokens_total", { model: "m", type: "prompt" })).toBe(10);
      expect([...m.values()].every((value) => Number.isFinite(value))).toBe(true);
    }
  });
});
