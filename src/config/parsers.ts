import type { Env } from "./env-file.js";

/** A configuration mistake; start-up prints its message as the one line that explains it. */
export class ConfigError extends Error {
  /** Either the variable, what it should be and what it is; or, for a file's entries, the whole line. */
  constructor(name: string, expected?: string, got?: string) {
    super(expected === undefined ? name : `Invalid ${name}=${JSON.stringify(got)}: expected ${expected}.`);
    this.name = "ConfigError";
  }
}

const present = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
};

export function readString(env: Env, name: string, fallback: string): string {
  return present(env, name) ?? fallback;
}

export function readOptional(env: Env, name: string): string | undefined {
  return present(env, name);
}

export function readNumber(
  env: Env,
  name: string,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER, integer = false } = {},
): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const expected = `${integer ? "an integer" : "a number"} from ${min} to ${max}`;
  if (!Number.isFinite(value) || value < min || value > max) throw new ConfigError(name, expected, raw);
  if (integer && !Number.isInteger(value)) throw new ConfigError(name, expected, raw);
  return value;
}

export function readUrl(env: Env, name: string, fallback: string): URL {
  const raw = present(env, name) ?? fallback;
  try {
    const url = new URL(raw);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {
    // falls through to the one error below
  }
  throw new ConfigError(name, "an http:// or https:// URL", raw);
}

export function readList(env: Env, name: string): string[] {
  const raw = present(env, name);
  if (raw === undefined) return [];
  return raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

export function readBuckets(env: Env, name: string, fallback: readonly number[]): readonly number[] {
  const items = readList(env, name);
  if (items.length === 0) return fallback;
  const values = items.map(Number);
  const ascending = values.every(
    (value, i) => Number.isFinite(value) && value > 0 && (i === 0 || value > (values[i - 1] ?? 0)),
  );
  if (!ascending)
    throw new ConfigError(name, "comma-separated positive seconds in ascending order", items.join(","));
  return values;
}

export function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(name, `one of ${choices.join(", ")}`, raw);
}
