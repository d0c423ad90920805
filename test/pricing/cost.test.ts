import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeCostUsd } from "../../src/pricing/cost.js";
import { createPriceTable } from "../../src/pricing/price-table.js";
import type { ModelPrice } from "../../src/pricing/types.js";
import { usageOf } from "../helpers/stream-helpers.js";

const table = createPriceTable();
const priceOf = (model: string): ModelPrice => {
  const price = table.models.get(model);
  if (price === undefined) throw new Error(`no price for ${model}`);
  return price;
};
const usage = usageOf;

describe("computeCostUsd", () => {
  it("bills cached prompt tokens at the cached rate (gpt-4.1, fixture 06-like)", () => {
    // (1200 - 1024) × 2 + 1024 × 0.5 + 50 × 8 = 352 + 512 + 400 = 1264 µ$
    expect(computeCostUsd(priceOf("gpt-4.1"), usage(1200, 50, 1024))).toBeCloseTo(0.001264, 12);
  });

  it("bills plain prompt and completion tokens (gpt-4o-mini)", () => {
    // 12 × 0.15 + 5 × 0.6 = 1.8 + 3 = 4.8 µ$
    expect(computeCostUsd(priceOf("gpt-4o-mini"), usage(12, 5))).toBeCloseTo(0.0000048, 15);
  });

  it("does not bill reasoning tokens on top of completion tokens (gpt-5-nano)", () => {
    // 27 × 0.05 + 267 × 0.4 = 1.35 + 106.8 = 108.15 µ$, whether 192 of the 267 were reasoning or not
    const price = priceOf("gpt-5-nano");
    expect(computeCostUsd(price, usage(27, 267, 0, 192))).toBeCloseTo(0.00010815, 14);
    expect(computeCostUsd(price, usage(27, 267, 0, 192))).toBe(computeCostUsd(price, usage(27, 267)));
  });

  it("bills cached tokens at the input price when the model has no cached price (gpt-4)", () => {
    // 1000 × 30 + 100 × 60 = 36000 µ$, the 800 cached tokens included at 30
    expect(computeCostUsd(priceOf("gpt-4"), usage(1000, 100, 800))).toBeCloseTo(0.036, 12);
  });

  it("uses the 90% cache discount of gpt-5 (o4-mini at 75%)", () => {
    // gpt-5: 1000 × 1.25 + 9000 × 0.125 + 500 × 10 = 1250 + 1125 + 5000 = 7375 µ$
    expect(computeCostUsd(priceOf("gpt-5"), usage(10_000, 500, 9000))).toBeCloseTo(0.007375, 12);
    // o4-mini: 1000 × 1.1 + 9000 × 0.275 + 500 × 4.4 = 1100 + 2475 + 2200 = 5775 µ$
    expect(computeCostUsd(priceOf("o4-mini"), usage(10_000, 500, 9000))).toBeCloseTo(0.005775, 12);
  });

  it("bills embeddings for input only (text-embedding-3-small, fixture 31)", () => {
    // 8 × 0.02 = 0.16 µ$
    expect(computeCostUsd(priceOf("text-embedding-3-small"), usage(8, 0))).toBeCloseTo(0.00000016, 16);
  });

  it("clamps cached tokens to the prompt", () => {
    // gpt-4o: all 100 prompt tokens cached → 100 × 1.25 = 125 µ$, never a negative uncached part
    expect(computeCostUsd(priceOf("gpt-4o"), usage(100, 0, 150))).toBeCloseTo(0.000125, 12);
  });

  it("treats negative and non-finite counts as zero", () => {
    const price = priceOf("gpt-4o");
    expect(computeCostUsd(price, usage(-5, -1, -3, -2))).toBe(0);
    expect(computeCostUsd(price, usage(Number.NaN, Number.POSITIVE_INFINITY, 0))).toBe(0);
    // cached −10 is ignored: 100 × 2.5 = 250 µ$
    expect(computeCostUsd(price, usage(100, 0, -10))).toBeCloseTo(0.00025, 12);
  });

  it("is zero for zero usage", () => {
    expect(computeCostUsd(priceOf("o1"), usage(0, 0))).toBe(0);
  });

  it("is non-negative, ignores reasoning and never exceeds billing every prompt token at the full rate", () => {
    const count = fc.integer({ min: -10, max: 2_000_000 });
    fc.assert(
      fc.property(count, count, count, count, (prompt, completion, cached, reasoning) => {
        const price = priceOf("gpt-4.1");
        const cost = computeCostUsd(price, usage(prompt, completion, cached, reasoning));
        const ceiling = (Math.max(prompt, 0) * price.input + Math.max(completion, 0) * price.output) / 1e6;
        expect(cost).toBeGreaterThanOrEqual(0);
        expect(cost).toBeLessThanOrEqual(ceiling + 1e-12);
        expect(cost).toBe(computeCostUsd(price, usage(prompt, completion, cached, 0)));
      }),
    );
  });
});
