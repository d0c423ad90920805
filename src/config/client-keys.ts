import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Env } from "./env-file.js";
import { ConfigError, readList, readOptional } from "./parsers.js";

export type BudgetPeriod = "day" | "month";

export interface Budget {
  readonly usd: number;
  readonly period: BudgetPeriod;
}

/** A client key as the proxy keeps it: its name and the SHA-256 of the key, never the key itself. */
export interface ClientKey {
  /** What metrics (`key` label) and the access log show. */
  readonly name: string;
  readonly sha256: Buffer;
  readonly budget: Budget | undefined;
}

/** What `PROXY_API_KEYS` entries without a name are called. */
const unnamedKey = "unnamed";
/** The `key` label of requests refused for a missing or wrong key; no key may be called this. */
export const refusedKey = "none";

const namePattern = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const sha256Pattern = /^[0-9a-f]{64}$/i;
const periods: readonly BudgetPeriod[] = ["day", "month"];
const fileFields = new Set(["name", "key", "sha256", "budgetUsd", "budgetPeriod"]);

export const sha256Of = (key: string): Buffer => createHash("sha256").update(key).digest();

/**
 * PROXY_API_KEYS (`name:key` or a bare `key`, comma-separated) or PROXY_API_KEYS_FILE (JSON), read once
 * at start-up. An empty list means no client keys: the proxy lets every request through.
 */
export function readClientKeys(env: Env): readonly ClientKey[] {
  const file = readOptional(env, "PROXY_API_KEYS_FILE");
  const list = readList(env, "PROXY_API_KEYS");
  if (file !== undefined && list.length > 0) {
    throw new ConfigError("Set PROXY_API_KEYS or PROXY_API_KEYS_FILE, not both.");
  }
  if (file === undefined) return Object.freeze(checkUnique(list.map(parseListEntry), "PROXY_API_KEYS"));
  return Object.freeze(checkUnique(readKeysFile(file), `PROXY_API_KEYS_FILE=${file}`));
}

/** `name:key`, or a key alone. The problem is told by position, so a key never reaches the message. */
function parseListEntry(entry: string, index: number): ClientKey {
  const colon = entry.indexOf(":");
  if (colon < 0) return { name: unnamedKey, sha256: sha256Of(entry), budget: undefined };
  const name = entry.slice(0, colon).trim();
  const key = entry.slice(colon + 1).trim();
  const where = `PROXY_API_KEYS entry ${index + 1}`;
  checkName(name, where);
  if (key === "") throw new ConfigError(`${where} ("${name}"): the key after "${name}:" is empty.`);
  return { name, sha256: sha256Of(key), budget: undefined };
}

function checkName(name: unknown, where: string): asserts name is string {
  if (typeof name !== "string" || !namePattern.test(name)) {
    const shown = typeof name === "string" ? JSON.stringify(name.slice(0, 64)) : "missing";
    throw new ConfigError(`${where}: name ${shown} must match ${namePattern.source}.`);
  }
  if (name === refusedKey) {
    throw new ConfigError(`${where}: the name "${refusedKey}" is kept for refused requests.`);
  }
}

function readKeysFile(path: string): ClientKey[] {
  const where = `PROXY_API_KEYS_FILE=${path}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`${where}: cannot read it (${(err as { code?: string }).code ?? "error"}).`);
  }
  const entries = parseJson(text, where);
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new ConfigError(`${where}: expected a JSON array of {"name", "key" or "sha256"} entries.`);
  }
  return entries.map((entry, index) => parseFileEntry(entry, `${where} entry ${index + 1}`));
}

/** JSON.parse's own message quotes the text around the fault, which may be a key: only its position is kept. */
function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const position = /position (\d+)/.exec(String((err as Error).message))?.[1];
    throw new ConfigError(
      `${where}: not valid JSON${position === undefined ? "" : ` at position ${position}`}.`,
    );
  }
}

function parseFileEntry(entry: unknown, where: string): ClientKey {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new ConfigError(`${where}: expected an object with "name" and "key" or "sha256".`);
  }
  const fields = entry as Record<string, unknown>;
  checkName(fields.name, where);
  const named = `${where} ("${fields.name}")`;
  const unknown = Object.keys(fields).find((field) => !fileFields.has(field));
  if (unknown !== undefined) {
    throw new ConfigError(`${named}: unknown field ${JSON.stringify(unknown.slice(0, 64))}.`);
  }
  return { name: fields.name, sha256: digestOf(fields, named), budget: budgetOf(fields, named) };
}

function digestOf(fields: Record<string, unknown>, where: string): Buffer {
  const { key, sha256 } = fields;
  if ((key === undefined) === (sha256 === undefined)) {
    throw new ConfigError(`${where}: give exactly one of "key" and "sha256".`);
  }
  if (key !== undefined) {
    if (typeof key !== "string" || key.trim() === "") throw new ConfigError(`${where}: "key" is empty.`);
    return sha256Of(key.trim());
  }
  if (typeof sha256 !== "string" || !sha256Pattern.test(sha256)) {
    throw new ConfigError(`${where}: "sha256" must be 64 hex characters (the SHA-256 of the key).`);
  }
  return Buffer.from(sha256, "hex");
}

function budgetOf(fields: Record<string, unknown>, where: string): Budget | undefined {
  const { budgetUsd, budgetPeriod } = fields;
  if (budgetUsd === undefined) {
    if (budgetPeriod !== undefined) throw new ConfigError(`${where}: "budgetPeriod" without "budgetUsd".`);
    return undefined;
  }
  if (typeof budgetUsd !== "number" || !Number.isFinite(budgetUsd) || budgetUsd <= 0) {
    throw new ConfigError(`${where}: "budgetUsd" must be a positive number of US dollars.`);
  }
  const period = budgetPeriod ?? "month";
  if (!periods.includes(period as BudgetPeriod)) {
    throw new ConfigError(`${where}: "budgetPeriod" must be "day" or "month".`);
  }
  return { usd: budgetUsd, period: period as BudgetPeriod };
}

/** Two entries with one name would merge in the metrics, two with one key would make its name a guess. */
function checkUnique(keys: readonly ClientKey[], where: string): ClientKey[] {
  const names = new Map<string, number>();
  const digests = new Map<string, number>();
  keys.forEach(({ name, sha256 }, index) => {
    const digest = sha256.toString("hex");
    const sameKey = digests.get(digest);
    if (sameKey !== undefined) {
      throw new ConfigError(`${where} entry ${index + 1} ("${name}"): the same key as entry ${sameKey + 1}.`);
    }
    digests.set(digest, index);
    const sameName = name === unnamedKey ? undefined : names.get(name);
    if (sameName !== undefined) {
      throw new ConfigError(
        `${where} entry ${index + 1}: the name "${name}" is also entry ${sameName + 1}'s.`,
      );
    }
    names.set(name, index);
  });
  return [...keys];
}
