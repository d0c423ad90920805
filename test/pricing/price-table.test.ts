import { describe, expect, it } from "vitest";
import { createPriceTable } from "../../src/pricing/price-table.js";
import type { ModelPrice } from "../../src/pricing/types.js";

// OpenAI list prices, USD per 1M tokens (input / cached input / output): https://platform.openai.com/docs/pricing
const listPrices: Record<string, ModelPrice> = {
  "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
  "gpt-5.1": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5.2": { input: 1.75, cachedInput: 0.175, output: 14 },
  "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  "gpt-4o-audio-preview": { input: 2.5, output: 10 },
  "gpt-4o-mini-audio-preview": { input: 0.15, output: 0.6 },
  o1: { input: 15, cachedInput: 7.5, output: 60 },
  "o1-mini": { input: 1.1, cachedInput: 0.55, output: 4.4 },
  o3: { input: 2, cachedInput: 0.5, output: 8 },
  "o3-mini": { input: 1.1, cachedInput: 0.55, output: 4.4 },
  "o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
  "gpt-4-turbo": { input: 10, output: 30 },
  "gpt-4": { input: 30, output: 60 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  "gpt-3.5-turbo-instruct": { input: 1.5, output: 2 },
  "babbage-002": { input: 0.4, output: 0.4 },
  "davinci-002": { input: 2, output: 2 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "text-embedding-ada-002": { input: 0.1, output: 0 },
};

describe("built-in price table", () => {
  const table = createPriceTable();

  it.each(Object.entries(listPrices))("prices %s at its list price", (model, price) => {
    expect(table.models.get(model)).toStrictEqual(price);
  });

  it("states where and when the prices come from", () => {
    expect(table.source).toBe("https://platform.openai.com/docs/pricing");
    expect(table.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("keys every model by its lower-case name", () => {
    for (const name of table.models.keys()) expect(name).toBe(name.toLowerCase());
  });

  it("keeps snapshots whose price differs from their alias", () => {
    expect(table.models.get("gpt-4o-2024-05-13")).toStrictEqual({ input: 5, output: 15 });
    expect(table.models.get("gpt-3.5-turbo-0613")).toStrictEqual({ input: 1.5, output: 2 });
  });
});

describe("own-format overrides", () => {
  it("replace a built-in price, add a model and keep the rest", () => {
    const table = createPriceTable({
      models: {
        "gpt-4o": { input: 2, cachedInput: 1, output: 8 },
        "My-Finetune": { input: 3.75, output: 15 },
      },
    });
    expect(table.models.get("gpt-4o")).toStrictEqual({ input: 2, cachedInput: 1, output: 8 });
    expect(table.models.get("my-finetune")).toStrictEqual({ input: 3.75, output: 15 });
    expect(table.models.get("gpt-4o-mini")).toStrictEqual(listPrices["gpt-4o-mini"]);
  });

  it("take asOf and source from the file when it states them", () => {
    const table = createPriceTable({ asOf: "2030-01-01", source: "https://example.com/prices", models: {} });
    expect(table.asOf).toBe("2030-01-01");
    expect(table.source).toBe("https://example.com/prices");
  });

  it("default a missing output price to 0, as for embeddings", () => {
    const table = createPriceTable({ models: { "my-embedder": { input: 0.01 } } });
    expect(table.models.get("my-embedder")).toStrictEqual({ input: 0.01, output: 0 });
  });

  it("accept an empty object as no overrides", () => {
    expect(createPriceTable({}).models).toStrictEqual(createPriceTable().models);
  });
});

describe("malformed overrides", () => {
  it.each([
    [null, /expected a JSON object, got null/],
    [[1, 2], /expected a JSON object, got an array/],
    [{ models: [] }, /"models" must be an object/],
    [{ models: { "gpt-4o": 2.5 } }, /model "gpt-4o" must be an object, got 2.5/],
    [{ models: { "gpt-4o": { output: 10 } } }, /model "gpt-4o": field "input" is required/],
    [
      { models: { "gpt-4o": { input: "2.5", output: 10 } } },
      /model "gpt-4o": field "input" must be a non-negative number, got "2.5"/,
    ],
    [
      { models: { "gpt-4o": { input: 2.5, output: -1 } } },
      /model "gpt-4o": field "output" must be a non-negative/,
    ],
    [
      { models: { x: { input: 1, cachedInput: null } } },
      /model "x": field "cachedInput" must be a non-negative number, got null/,
    ],
    [{ models: { x: { input: 1, cached_input: 0.5 } } }, /model "x": unknown field "cached_input"/],
    [{ asOf: 20250101, models: {} }, /"asOf" must be a string/],
    [{ "gpt-4o": { input: 2.5 } }, /unrecognised prices format/],
    [
      { "gpt-4o": { input_cost_per_token: "cheap" } },
      /model "gpt-4o": field "input_cost_per_token" must be a non-negative/,
    ],
    [
      { "gpt-4o": { input_cost_per_token: 2.5e-6, output_cost_per_token: Number.NaN } },
      /model "gpt-4o": field "output_cost_per_token"/,
    ],
  ])("reject %j", (overrides, message) => {
    expect(() => createPriceTable(overrides)).toThrow(message);
  });
});
