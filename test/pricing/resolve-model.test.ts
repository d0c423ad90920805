import { describe, expect, it } from "vitest";
import { createPriceTable } from "../../src/pricing/price-table.js";
import { candidateNames, resolvePrice } from "../../src/pricing/resolve-model.js";

const table = createPriceTable();
const nameOf = (model: string): string | undefined => resolvePrice(table, model)?.name;

describe("resolvePrice", () => {
  it.each([
    ["gpt-4o", "gpt-4o"],
    ["gpt-4o-mini", "gpt-4o-mini"],
    ["gpt-4.1", "gpt-4.1"],
    ["gpt-4.1-mini", "gpt-4.1-mini"],
    ["gpt-4.1-nano", "gpt-4.1-nano"],
    ["o3", "o3"],
    ["o3-mini", "o3-mini"],
    ["gpt-5", "gpt-5"],
    ["gpt-5-nano", "gpt-5-nano"],
  ])("never confuses a model with its mini/nano sibling: %s -> %s", (model, expected) => {
    expect(nameOf(model)).toBe(expected);
  });

  it("prices the mini and full models differently", () => {
    expect(resolvePrice(table, "gpt-4o")?.price.input).toBe(2.5);
    expect(resolvePrice(table, "gpt-4o-mini")?.price.input).toBe(0.15);
    expect(resolvePrice(table, "gpt-4.1")?.price.output).toBe(8);
    expect(resolvePrice(table, "gpt-4.1-mini")?.price.output).toBe(1.6);
  });

  it.each([
    ["gpt-4o-mini-2024-07-18", "gpt-4o-mini"],
    ["gpt-4.1-2025-04-14", "gpt-4.1"],
    ["gpt-4.1-nano-2025-04-14", "gpt-4.1-nano"],
    ["gpt-5-nano-2025-08-07", "gpt-5-nano"],
    ["o1-mini-2024-09-12", "o1-mini"],
    ["o3-mini-2025-01-31", "o3-mini"],
    ["gpt-4o-2024-08-06", "gpt-4o"],
    ["gpt-4-0613", "gpt-4"],
    ["gpt-4-0314", "gpt-4"],
    ["gpt-3.5-turbo-0125", "gpt-3.5-turbo"],
    ["gpt-4-turbo-2024-04-09", "gpt-4-turbo"],
  ])("strips the snapshot date: %s -> %s", (model, expected) => {
    expect(nameOf(model)).toBe(expected);
  });

  it("prefers an exact snapshot entry whose price differs from its alias", () => {
    expect(resolvePrice(table, "gpt-4o-2024-05-13")).toStrictEqual({
      name: "gpt-4o-2024-05-13",
      price: { input: 5, output: 15 },
    });
    expect(nameOf("gpt-3.5-turbo-1106")).toBe("gpt-3.5-turbo-1106");
  });

  it.each([
    ["openai/gpt-4o", "gpt-4o"],
    ["openai/gpt-4o-mini", "gpt-4o-mini"],
    ["azure/gpt-4.1-mini", "gpt-4.1-mini"],
    ["azure/eu/gpt-4o-2024-11-20", "gpt-4o"],
    ["OpenAI/GPT-4o-Mini-2024-07-18", "gpt-4o-mini"],
  ])("strips a provider prefix: %s -> %s", (model, expected) => {
    expect(nameOf(model)).toBe(expected);
  });

  it("ignores case and surrounding blanks", () => {
    expect(nameOf("GPT-4O")).toBe("gpt-4o");
    expect(nameOf(" gpt-4.1-mini ")).toBe("gpt-4.1-mini");
  });

  it.each([
    "gpt-4o-mini-foo",
    "gpt-4o-foo",
    "gpt-4.1-micro",
    "gpt-4o-mini-2024",
    "gpt-4o-realtime-preview",
    "ft:gpt-4o-mini-2024-07-18:acme::abc123",
    "llama-3.1-70b",
    "text-curie-001",
    "",
    "openai/",
  ])("leaves unknown model %j unpriced", (model) => {
    expect(resolvePrice(table, model)).toBeUndefined();
  });
});

describe("candidateNames", () => {
  it("tries the most specific name first, without duplicates", () => {
    expect(candidateNames("azure/gpt-4o-2024-08-06")).toStrictEqual([
      "azure/gpt-4o-2024-08-06",
      "azure/gpt-4o",
      "gpt-4o-2024-08-06",
      "gpt-4o",
    ]);
    expect(candidateNames("gpt-4o")).toStrictEqual(["gpt-4o"]);
  });
});
