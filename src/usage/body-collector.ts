import { findLastUsageObject } from "../stream/usage-object.js";
import { answeredModelOf } from "./answered-model.js";
import { type Json, parseJsonObject } from "./json.js";

/** Bodies up to this size are parsed whole; larger ones (embeddings of many inputs) only by their tail. */
const fullParseLimit = 1024 * 1024;
const tailBytes = 64 * 1024;

export interface CollectedBody {
  /** The whole parsed body when it was small enough, else undefined. */
  readonly json: Json | undefined;
  /** The body's top-level `usage`, found in the whole body or in its tail. */
  readonly usage: unknown;
  /** The model the body says answered, when it names one. */
  readonly model: string | undefined;
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
      // A JSON answer usually arrives in one chunk: read in place, not copied.
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, tailSize);
      chunks = [];
      const usage = usageFromTail(bytes.subarray(Math.max(0, bytes.length - tailBytes)));
      const model = answeredModelOf(bytes, !truncated);
      if (truncated) return { json: undefined, usage, model };
      // Found in the tail: the whole body is parsed only if someone asks (/ask does; metering does not).
      if (usage !== undefined) return withLazyJson(bytes, usage, model);
      const json = parseJsonObject(bytes.toString("utf8"));
      return { json, usage: json?.usage, model };
    },
  };
}

function withLazyJson(bytes: Buffer, usage: unknown, model: string | undefined): CollectedBody {
  return new LazyBody(bytes, usage, model);
}

/** A class: an object literal with a getter took about 0.55 µs to create, once per request. */
class LazyBody implements CollectedBody {
  private parsed: Json | undefined;

  constructor(
    private readonly bytes: Buffer,
    readonly usage: unknown,
    readonly model: string | undefined,
  ) {}

  get json(): Json | undefined {
    this.parsed ??= parseJsonObject(this.bytes.toString("utf8"));
    return this.parsed;
  }
}

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;

/** The body's top-level usage object, read where findLastUsageObject finds it in the tail. */
function usageFromTail(bytes: Buffer): unknown {
  const open = findLastUsageObject(bytes);
  if (open < 0) return undefined;
  const end = matchingBrace(bytes, open);
  return end < 0 ? undefined : parseJsonObject(bytes.toString("utf8", open, end + 1));
}

function matchingBrace(bytes: Buffer, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === backslash) i++;
      else if (c === quote) inString = false;
    } else if (c === quote) inString = true;
    else if (c === openBrace) depth++;
    else if (c === closeBrace && --depth === 0) return i;
  }
  return -1;
}
