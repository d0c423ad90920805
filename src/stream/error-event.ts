const event = Buffer.from("event:");
const data = Buffer.from("data:");
const error = Buffer.from("error");
const errorKey = Buffer.from('"error"');

const space = 0x20;
const openBrace = 0x7b;

function startsWithAt(raw: Buffer, at: number, prefix: Buffer): boolean {
  if (raw.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (raw[at + i] !== prefix[i]) return false;
  return true;
}

const isLineEnd = (byte: number | undefined): boolean => byte === 0x0a || byte === 0x0d;

/**
 * Whether an event reports an error mid-stream: an `event: error` (the Responses API's error event) or a
 * `data:` object whose first member is `error` (what OpenAI and vLLM send inside a chat stream, and what
 * the openai SDK raises as an APIError). Only the event's first bytes are read, so the check costs a few
 * byte comparisons per event rather than a search.
 * https://platform.openai.com/docs/api-reference/responses-streaming/error
 */
export function isErrorEvent(raw: Buffer): boolean {
  if (startsWithAt(raw, 0, event)) {
    const at = raw[event.length] === space ? event.length + 1 : event.length;
    return startsWithAt(raw, at, error) && isLineEnd(raw[at + error.length]);
  }
  if (!startsWithAt(raw, 0, data)) return false;
  const at = raw[data.length] === space ? data.length + 1 : data.length;
  return raw[at] === openBrace && startsWithAt(raw, at + 1, errorKey);
}
