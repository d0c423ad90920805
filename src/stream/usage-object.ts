import { valueAfterKey } from "./json-bytes.js";

const usageKey = Buffer.from('"usage"');
const openBrace = 0x7b;

/** Index of the `{` of the value after the `"usage"` key at `key`, or -1 when the value is no object. */
function objectAfterKey(bytes: Buffer, key: number): number {
  const at = valueAfterKey(bytes, key + usageKey.length);
  return at >= 0 && bytes[at] === openBrace ? at : -1;
}

/**
 * The one search for a usage object in JSON bytes: the index of the `{` that opens the value of a
 * `"usage"` member at or after `from`, or -1. `"usage":null` is no usage object. A quote inside a JSON
 * string is escaped, so the unescaped key cannot come from generated text.
 */
export function findUsageObject(bytes: Buffer, from = 0): number {
  for (let key = bytes.indexOf(usageKey, from); key >= 0; key = bytes.indexOf(usageKey, key + 1)) {
    const open = objectAfterKey(bytes, key);
    if (open >= 0) return open;
  }
  return -1;
}

/**
 * The usage object of the last `"usage"` key in the bytes, or -1: OpenAI puts a body's top-level `usage`
 * after its large arrays. When that last key holds `null`, an earlier object (a tool schema's property
 * of that name, say) is not borrowed.
 */
export function findLastUsageObject(bytes: Buffer): number {
  const key = bytes.lastIndexOf(usageKey);
  return key < 0 ? -1 : objectAfterKey(bytes, key);
}
