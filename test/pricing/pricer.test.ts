import { describe, expect, it } from "vitest";
import { createPriceTable } from "../../src/pricing/price-table.js";
import { createPricer } from "../../src/pricing/pricer.js";

const usage = { promptTokens: 1_000_000, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 };

function pricerWithLog() {
  const unpriced: string[] = [];
  const pricer = createPricer({ table: createPriceTable(), onUnpriced: (model) => unpriced.push(model) });
  return { pricer, unpriced };
}

describe("createPricer", () => {
  it("prices a name by what it ends with, however long its provider prefix", () => {
    const { pricer } = pricerWithLog();
    const long = `azure/${"d".repeat(5000)}/gpt-4o-mini`;
    expect(pricer.costOf(long, usage)).toBeCloseTo(0.15, 12);
    expect(pricer.costOf(long, usage)).toBeCloseTo(0.15, 12);
  });

  it("reports an unpriced name once, a long one once per distinct first 100 characters", () => {
    const { pricer, unpriced } = pricerWithLog();
    for (let i = 0; i < 3; i++) pricer.costOf("no-such-model", usage);
    const prefix = "x".repeat(100);
    pricer.costOf(`${prefix}${"a".repeat(1000)}`, usage);
    pricer.costOf(`${prefix}${"b".repeat(1000)}`, usage);
    pricer.costOf(`y${"c".repeat(1000)}`, usage);
    expect(unpriced.map((name) => name.slice(0, 3))).toEqual(["no-", "xxx", "ycc"]);
  });
});
