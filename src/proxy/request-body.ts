import { isObject, type Json } from "../usage/json.js";
import { objectMembers, valueStartOf } from "./json-members.js";
import { invalidJson, missingModel } from "./proxy-error.js";

export interface ParsedRequest {
  readonly json: Json;
  readonly model: string;
  readonly stream: boolean;
}

/** Parses the client's body once; the bytes themselves go upstream unchanged. */
export function parseRequestBody(body: Buffer, defaultModel?: string): ParsedRequest {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw invalidJson();
  }
  if (!isObject(json) || Array.isArray(json)) throw invalidJson();
  const model = json.model ?? defaultModel;
  if (typeof model !== "string" || model.trim() === "") throw missingModel();
  return { json, model, stream: json.stream === true };
}

const isPlainObject = (value: unknown): value is Json => isObject(value) && !Array.isArray(value);

/**
 * Whether the proxy may ask for a stream's usage itself: the client did not, and its `stream_options`
 * are well-formed (absent, null, or an object whose `include_usage` is absent, null or false). Any other
 * shape goes upstream untouched, so that the upstream's own 400 reaches the client rather than the
 * proxy turning an invalid request into a valid one.
 */
export function canAddIncludeUsage(json: Json): boolean {
  const options = json.stream_options;
  if (options === undefined || options === null) return true;
  if (!isPlainObject(options)) return false;
  const include = options.include_usage;
  return include === undefined || include === null || include === false;
}

interface Splice {
  readonly start: number;
  readonly end: number;
  readonly bytes: Buffer;
}

const injection = Buffer.from('"stream_options":{"include_usage":true},');
const emptyInjection = injection.subarray(0, -1);
const usageOptions = Buffer.from('{"include_usage":true}');
const includeUsage = Buffer.from('"include_usage":true');
const trueBytes = Buffer.from("true");
const comma = Buffer.from(",");

/**
 * The body with `stream_options.include_usage: true`, so that the upstream reports a stream's usage.
 * Only the bytes that must change are replaced; every other byte stays as sent, and nothing is
 * re-serialised (a body nested thousands deep parses but cannot be stringified). Call it only when
 * `canAddIncludeUsage` holds. https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
export function withIncludeUsage(body: Buffer, json: Json): Buffer {
  const open = valueStartOf(body);
  if (json.stream_options === undefined) {
    const empty = Object.keys(json).length === 0;
    return splice(body, [{ start: open + 1, end: open + 1, bytes: empty ? emptyInjection : injection }]);
  }
  // JSON.parse keeps the last of duplicate keys, so the last member is the one the upstream reads too.
  const member = objectMembers(body, open).findLast((m) => m.key === "stream_options");
  if (member === undefined) return body;
  if (!isPlainObject(json.stream_options)) {
    return splice(body, [{ start: member.valueStart, end: member.valueEnd, bytes: usageOptions }]);
  }
  const inner = objectMembers(body, member.valueStart);
  const flags = inner.filter((m) => m.key === "include_usage");
  if (flags.length > 0) {
    return splice(
      body,
      flags.map((m) => ({ start: m.valueStart, end: m.valueEnd, bytes: trueBytes })),
    );
  }
  const at = member.valueStart + 1;
  const bytes = inner.length === 0 ? includeUsage : Buffer.concat([includeUsage, comma]);
  return splice(body, [{ start: at, end: at, bytes }]);
}

const askDropped = new Set(["model", "stream", "stream_options"]);

/**
 * /ask's upstream body: the client's members as sent, without `stream` and `stream_options` (the call
 * is never streamed), and with the model resolved (the default when the client named none).
 */
export function askUpstreamBody(body: Buffer, model: string): Buffer {
  const members = objectMembers(body, valueStartOf(body)).filter((m) => !askDropped.has(m.key));
  const parts: Buffer[] = [Buffer.from(`{"model":${JSON.stringify(model)}`)];
  for (const m of members) parts.push(comma, body.subarray(m.start, m.valueEnd));
  parts.push(Buffer.from("}"));
  return Buffer.concat(parts);
}

/** Applies non-overlapping edits given in ascending order. */
function splice(body: Buffer, edits: readonly Splice[]): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const edit of edits) {
    parts.push(body.subarray(at, edit.start), edit.bytes);
    at = edit.end;
  }
  parts.push(body.subarray(at));
  return Buffer.concat(parts);
}
