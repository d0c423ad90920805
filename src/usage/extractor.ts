import type { SseEvent } from "../stream/sse-tap.js";
import type { GeneratedOutput } from "./generated-output.js";
import type { Usage } from "./types.js";

export interface StreamObserver {
  /** Whether an event's raw bytes may matter; the others are passed on without being decoded or parsed. */
  wants(raw: Buffer): boolean;
  onEvent(event: SseEvent): void;
  /** The usage the upstream reported in the stream, if it did. */
  readonly usage: Usage | undefined;
  /** What was generated, kept only when the stream showed it would report no usage (for estimates). */
  completionText(): GeneratedOutput | undefined;
}

/** How one endpoint's responses carry usage and content, streamed and not. */
export interface UsageExtractor {
  fromBody(body: unknown): Usage | undefined;
  /** What a non-streamed body generated, for estimating tokens when it has no usage. */
  textOfBody(body: unknown): GeneratedOutput;
  observeStream(onFirstToken: () => void): StreamObserver;
}

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;

export const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const stringOf = (value: unknown): string => (typeof value === "string" ? value : "");

/** Parses an event's JSON; a malformed event is the client's business, never the proxy's failure. */
export function parseData(data: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
