const usageKey = Buffer.from('"usage"');
const openBrace = 0x7b;
const colon = 0x3a;

/** JSON's insignificant whitespace: https://www.rfc-editor.org/rfc/rfc8259#section-2 */
const isSpace = (byte: number | undefined): boolean =>
  byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** Index of the `{` of the value after the `"usage"` key at `key`, or -1 when the value is no object. */
function objectAfterKey(bytes: Buffer, key: number): number {
  let at = key + usageKey.length;
  while (isSpace(bytes[at])) at++;
  if (bytes[at] !== colon) return -1;
  at++;
  while (isSpace(bytes[at])) at++;
  return bytes[at] === openBrace ? at : -1;
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
