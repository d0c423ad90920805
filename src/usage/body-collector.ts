import { type Json, parseJsonObject } from "./json.js";

/** Bodies up to this size are parsed whole; larger ones (embeddings of many inputs) only by their tail. */
const fullParseLimit = 1024 * 1024;
const tailBytes = 64 * 1024;

export interface CollectedBody {
  /** The whole parsed body when it was small enough, else undefined. */
  readonly json: Json | undefined;
  /** The body's top-level `usage`, found in the whole body or in its tail. */
  readonly usage: unknown;
}

export interface BodyCollector {
  push(chunk: Buffer): void;
  finish(): CollectedBody;
}

/** Collects a non-streamed response on its way to the client, so its usage can be read at the end. */
export function createBodyCollector(): BodyCollector {
  let chunks: Buffer[] = [];
  let size = 0;
  let tailSize = 0;
  let truncated = false;
  return {
    push(chunk) {
      chunks.push(chunk);
      size += chunk.length;
      tailSize += chunk.length;
      if (size <= fullParseLimit) return;
      truncated = true;
      while (chunks.length > 1 && tailSize - (chunks[0] as Buffer).length >= tailBytes) {
        tailSize -= (chunks.shift() as Buffer).length;
      }
    },
    finish() {
      const bytes = Buffer.concat(chunks);
      chunks = [];
      const usage = usageFromTail(bytes.subarray(Math.max(0, bytes.length - tailBytes)));
      if (truncated) return { json: undefined, usage };
      // Found in the tail: the whole body is parsed only if someone asks (/ask does; metering does not).
      if (usage !== undefined) return withLazyJson(bytes, usage);
      const json = parseJsonObject(bytes.toString("utf8"));
      return { json, usage: json?.usage };
    },
  };
}

function withLazyJson(bytes: Buffer, usage: unknown): CollectedBody {
  let json: Json | undefined;
  return {
    usage,
    get json() {
      json ??= parseJsonObject(bytes.toString("utf8"));
      return json;
    },
  };
}

/**
 * OpenAI puts `usage` after the large arrays, so the last `"usage":` key in the tail is the top-level one
 * (a quote inside a JSON string is escaped, so the unescaped key cannot come from content).
 */
function usageFromTail(bytes: Buffer): unknown {
  const text = bytes.toString("utf8");
  const key = text.lastIndexOf('"usage"');
  if (key < 0) return undefined;
  // Only `"usage": {` is a usage object; `"usage": null` must not borrow the next object in the body.
  const open = /^"usage"\s*:\s*\{/.exec(text.slice(key, key + 64))?.[0].length;
  if (open === undefined) return undefined;
  const end = matchingBrace(text, key + open - 1);
  return end < 0 ? undefined : parseJsonObject(text.slice(key + open - 1, end + 1));
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}
