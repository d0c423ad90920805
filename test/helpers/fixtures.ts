import { readdirSync, readFileSync } from "node:fs";
import { StreamPipeline } from "../../src/stream/stream-pipeline.js";
import type { GeneratedOutput, TextCounter } from "../../src/usage/generated-output.js";
import type { Usage, UsageExtractor } from "../../src/usage/types.js";

/** The recorded OpenAI transcripts kept in the repository (test/fixtures/openai, with PROVENANCE.md). */
const fixtureDir = new URL("../fixtures/openai/", import.meta.url);

export interface Transcript {
  readonly name: string;
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: readonly (readonly [string, string])[];
    /** As recorded; null where the source did not capture it (29 and 30 come from bug reports). */
    readonly body: string | null;
  };
  readonly response: {
    readonly status: number;
    readonly headers: readonly (readonly [string, string])[];
    readonly is_sse: boolean;
    readonly body: string;
  };
}

const cache = new Map<string, Transcript>();

export function loadTranscript(name: string): Transcript {
  let transcript = cache.get(name);
  if (transcript === undefined) {
    transcript = JSON.parse(readFileSync(new URL(`${name}.json`, fixtureDir), "utf8")) as Transcript;
    cache.set(name, transcript);
  }
  return transcript;
}

/** Every transcript's name (`NN_what`), in file order. */
export function transcriptNames(): string[] {
  return readdirSync(fixtureDir)
    .filter((file) => /^\d\d\w*_.*\.json$/.test(file))
    .map((file) => file.slice(0, -".json".length))
    .sort();
}

/** The streamed body exactly as sent, from the `.sse` file. */
export function sseBytes(name: string): Buffer {
  return readFileSync(new URL(`${name}.sse`, fixtureDir));
}

/** The response body bytes: the `.sse` file for streams, the recorded string (UTF-8) otherwise. */
export function responseBytes(transcript: Transcript): Buffer {
  return transcript.response.is_sse ? sseBytes(transcript.name) : Buffer.from(transcript.response.body);
}

/** The proxy path of the recorded request, e.g. /v1/chat/completions. */
export const requestPath = (transcript: Transcript): string => new URL(transcript.request.url).pathname;

/** The parsed request body, for fixtures whose body was recorded. */
export function requestJson(transcript: Transcript): Record<string, unknown> {
  if (transcript.request.body === null) throw new Error(`${transcript.name} has no recorded request body`);
  return JSON.parse(transcript.request.body) as Record<string, unknown>;
}

export interface Observed {
  readonly usage: Usage | undefined;
  /** How often the observer reported the first content token: once, or never for a stream without content. */
  readonly firstTokens: number;
  readonly output: GeneratedOutput | undefined;
}

/**
 * Feeds a stream's bytes, in the given chunks, through the stream pipeline into an extractor's observer,
 * with the observer's own choice of events; `filterUsage` runs the usage filter on the way, as the proxy
 * does when it asked for the usage itself.
 */
export function observeChunks(
  extractor: UsageExtractor,
  chunks: readonly Uint8Array[],
  filterUsage = false,
  countText: TextCounter = (text) => text.length,
): Observed {
  let firstTokens = 0;
  const observer = extractor.observeStream(() => {
    firstTokens += 1;
  }, countText);
  const pipeline = new StreamPipeline({ sink: { write() {} }, observer, filterUsage });
  for (const chunk of chunks) pipeline.push(asBuffer(chunk));
  pipeline.end();
  return { usage: observer.usage, firstTokens, output: observer.completionText() };
}

/** A copy: the pipeline may rewrite a chunk it was handed, and callers reuse theirs. */
const asBuffer = (chunk: Uint8Array): Buffer => Buffer.from(chunk);

/** Splits bytes into chunks of 1 to `maxSize` bytes, reproducibly for a seed (mulberry32). */
export function randomChunks(bytes: Buffer, seed: number, maxSize = 64): Buffer[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + (next() % maxSize);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}
