import { valueAfterKey } from "../stream/json-bytes.js";

const quote = 0x22;
const textKeys = ['"content"', '"refusal"', '"reasoning_content"'].map((key) => Buffer.from(key));
// Content the bytes cannot settle: a tool call or audio may be empty or not, and is read from the JSON.
const structuredKeys = ['"tool_calls"', '"function_call"', '"audio"'].map((key) => Buffer.from(key));

/** What a text member's value is: a non-empty string, an empty one or null, or nothing readable. */
function textValue(bytes: Buffer, key: Buffer): "text" | "empty" | "absent" {
  let found: "empty" | "absent" = "absent";
  for (let at = bytes.indexOf(key); at >= 0; at = bytes.indexOf(key, at + key.length)) {
    const value = valueAfterKey(bytes, at + key.length);
    if (value < 0) continue;
    if (bytes[value] === quote) {
      if (bytes[value + 1] !== quote) return "text";
      found = "empty";
    } else if (bytes[value] === 0x6e) {
      found = "empty"; // null
    }
  }
  return found;
}

/**
 * Whether a chat chunk generated anything, read from its bytes where they settle it: true when a delta's
 * content, refusal or reasoning text is a non-empty string, false when they are all empty or null and
 * there is no tool call or audio, undefined when only parsing can tell. A quote inside a JSON string is
 * escaped, so an unescaped `"content"` followed by a colon is a member, never generated text; OpenAI's
 * chunks put `content` only in deltas (https://platform.openai.com/docs/api-reference/chat-streaming).
 */
export function chatContentInBytes(bytes: Buffer): boolean | undefined {
  let empty = false;
  for (const key of textKeys) {
    const value = textValue(bytes, key);
    if (value === "text") return true;
    if (value === "empty") empty = true;
  }
  if (!empty) return undefined;
  for (const key of structuredKeys) if (bytes.includes(key)) return undefined;
  return false;
}
