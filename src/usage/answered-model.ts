import { valueAfterKey } from "../stream/json-bytes.js";

const modelKey = Buffer.from('"model"');
const quote = 0x22;
const backslash = 0x5c;
// The key's value, a JSON string; model names are short, so a longer one is not read.
const maxNameLength = 256;
const modelValue = /^\s*:\s*("(?:[^"\\]|\\.){1,256}")/;

/** Where the string value after `"model"` at `at` opens (its quote), or -1 when it is not a string. */
function valueStart(bytes: Buffer, at: number): number {
  const i = valueAfterKey(bytes, at + modelKey.length);
  return i >= 0 && bytes[i] === quote ? i : -1;
}

/** A name with escapes in it is decoded by JSON.parse; the usual plain one is a byte slice. */
function escapedName(bytes: Buffer, at: number): string | undefined {
  const start = at + modelKey.length;
  const literal = modelValue.exec(bytes.subarray(start, start + 3 * maxNameLength).toString("utf8"))?.[1];
  if (literal === undefined) return undefined;
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}

/** The string value of the `"model"` key at byte `at`, or undefined when it is not a non-empty string. */
function modelAt(bytes: Buffer, at: number): string | undefined {
  if (at < 0) return undefined;
  const open = valueStart(bytes, at);
  if (open < 0) return undefined;
  const close = bytes.indexOf(quote, open + 1);
  if (close < 0) return undefined;
  const raw = bytes.subarray(open + 1, close);
  if (raw.includes(backslash)) return escapedName(bytes, at);
  if (raw.length === 0 || raw.length > maxNameLength) return undefined;
  return raw.toString("utf8");
}

/**
 * The model a non-streamed response says answered, found by a native byte search rather than a parse.
 * Chat, completions and Responses objects name `model` before anything nested that could (the first
 * one is the top-level one); an embeddings list names it once, after the vectors. A body kept only by
 * its tail (over a megabyte) is searched from its end. A quote inside a JSON string is escaped, so
 * `"model"` cannot be read out of content.
 */
export function answeredModelOf(bytes: Buffer, wholeBody: boolean): string | undefined {
  return modelAt(bytes, wholeBody ? bytes.indexOf(modelKey) : bytes.lastIndexOf(modelKey));
}

/** A parsed event's or object's `model`, when it is a non-empty string. */
export const modelField = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;
