import { asRecord, type Json } from "../usage/json.js";
import type { ModelPrice, ParsedPrices } from "./types.js";

type JsonRecord = Readonly<Json>;

const ownFields = new Set(["input", "cachedInput", "output"]);

// LiteLLM documents every field in this placeholder entry; it is not a model.
// https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json
const liteLlmSchemaEntry = "sample_spec";

/**
 * Reads either this project's format (`{ "models": { name: { input, cachedInput?, output } } }`, USD per
 * million tokens) or LiteLLM's community price list (model name -> `input_cost_per_token`, …, USD per
 * token). The format is detected per file so an operator can drop in either without a flag.
 */
export function parsePrices(raw: unknown, origin: string): ParsedPrices {
  const root = asRecord(raw);
  if (root === undefined) {
    throw new Error(`${origin}: expected a JSON object, got ${describe(raw)}`);
  }
  if ("models" in root) return parseOwnFormat(root, origin);
  const entries = Object.values(root);
  if (entries.length === 0 || entries.some(isLiteLlmEntry)) return { models: parseLiteLlm(root, origin) };
  throw new Error(
    `${origin}: unrecognised prices format: expected {"models": {...}} or LiteLLM's ` +
      "model_prices_and_context_window.json (entries with input_cost_per_token)",
  );
}

function parseOwnFormat(root: JsonRecord, origin: string): ParsedPrices {
  const models = asRecord(root.models);
  if (models === undefined)
    throw new Error(`${origin}: "models" must be an object, got ${describe(root.models)}`);
  const parsed = new Map<string, ModelPrice>();
  for (const [name, entry] of Object.entries(models)) {
    parsed.set(name.toLowerCase(), parseOwnEntry(name, entry, origin));
  }
  return {
    models: parsed,
    ...optionalString(root, "asOf", origin),
    ...optionalString(root, "source", origin),
  };
}

function parseOwnEntry(name: string, entry: unknown, origin: string): ModelPrice {
  const fields = asRecord(entry);
  if (fields === undefined)
    throw new Error(`${origin}: model "${name}" must be an object, got ${describe(entry)}`);
  const unknown = Object.keys(fields).find((key) => !ownFields.has(key));
  if (unknown !== undefined) {
    throw new Error(
      `${origin}: model "${name}": unknown field "${unknown}" (expected input, cachedInput, output)`,
    );
  }
  if (fields.input === undefined) throw new Error(`${origin}: model "${name}": field "input" is required`);
  const input = price(fields.input, name, "input", origin);
  const output = fields.output === undefined ? 0 : price(fields.output, name, "output", origin);
  if (fields.cachedInput === undefined) return { input, output };
  return { input, cachedInput: price(fields.cachedInput, name, "cachedInput", origin), output };
}

function parseLiteLlm(root: JsonRecord, origin: string): Map<string, ModelPrice> {
  const parsed = new Map<string, ModelPrice>();
  for (const [name, entry] of Object.entries(root)) {
    const fields = asRecord(entry);
    // Image, audio and rerank models are priced per image/second/query, not per token: nothing to meter.
    if (name === liteLlmSchemaEntry || fields?.input_cost_per_token === undefined) continue;
    parsed.set(name.toLowerCase(), parseLiteLlmEntry(name, fields, origin));
  }
  return parsed;
}

function parseLiteLlmEntry(name: string, fields: JsonRecord, origin: string): ModelPrice {
  const perMillion = (field: string): number => toPerMillion(price(fields[field], name, field, origin));
  const input = perMillion("input_cost_per_token");
  const output = fields.output_cost_per_token === undefined ? 0 : perMillion("output_cost_per_token");
  if (fields.cache_read_input_token_cost === undefined) return { input, output };
  return { input, cachedInput: perMillion("cache_read_input_token_cost"), output };
}

/** 2.5e-06 * 1e6 is 2.4999999999999996 in binary floating point; 12 significant digits restore 2.5. */
export function toPerMillion(perToken: number): number {
  return Number((perToken * 1e6).toPrecision(12));
}

function price(value: unknown, model: string, field: string, origin: string): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  throw new Error(
    `${origin}: model "${model}": field "${field}" must be a non-negative number, got ${describe(value)}`,
  );
}

function optionalString(root: JsonRecord, key: "asOf" | "source", origin: string): { [k: string]: string } {
  const value = root[key];
  if (value === undefined) return {};
  if (typeof value !== "string")
    throw new Error(`${origin}: "${key}" must be a string, got ${describe(value)}`);
  return { [key]: value };
}

function isLiteLlmEntry(entry: unknown): boolean {
  const fields = asRecord(entry);
  return fields !== undefined && ("input_cost_per_token" in fields || "litellm_provider" in fields);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
