import { readFileSync } from "node:fs";
import { parsePrices } from "./parse-prices.js";
import builtInPrices from "./prices.json" with { type: "json" };
import type { ModelPrice, PriceTable } from "./types.js";

/**
 * The built-in list prices, merged with the parsed contents of a PRICES_FILE when given. Override entries
 * replace built-in entries of the same (case-insensitive) name; everything else is kept.
 * Throws an Error naming the model and field when the overrides are malformed.
 */
export function createPriceTable(overrides?: unknown): PriceTable {
  const builtIn = parsePrices(builtInPrices, "built-in prices.json");
  const extra = overrides === undefined ? undefined : parsePrices(overrides, "price overrides");
  const models = new Map<string, ModelPrice>(builtIn.models);
  for (const [name, price] of extra?.models ?? []) models.set(name, price);
  return {
    asOf: extra?.asOf ?? builtInPrices.asOf,
    source: extra?.source ?? builtInPrices.source,
    models,
  };
}

/** Reads and parses a PRICES_FILE; the result goes to `createPriceTable`, which validates it. */
export function loadPricesFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`Cannot read prices file ${path}: ${messageOf(error)}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`Prices file ${path} is not valid JSON: ${messageOf(error)}`, { cause: error });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
