import type { EventObserver } from "../stream/event-observer.js";
import type { GeneratedOutput, TextCounter } from "./generated-output.js";

/**
 * Token usage as the upstream billed it, normalised across endpoints.
 * `cachedTokens` is a subset of `promptTokens`; `reasoningTokens` is a subset of `completionTokens`.
 */
export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly reasoningTokens: number;
}

/** An endpoint's reader of a stream: the events it wants, and what it learnt from them. */
export interface StreamObserver extends EventObserver {
  /** The usage the upstream reported in the stream, if it did. */
  readonly usage: Usage | undefined;
  /** The model the stream's events say answered, once an event naming it was parsed. */
  readonly model: string | undefined;
  /** What was generated, kept only when the stream showed it would report no usage (for estimates). */
  completionText(): GeneratedOutput | undefined;
}

/** How one endpoint's responses carry usage and content, streamed and not. */
export interface UsageExtractor {
  fromBody(body: unknown): Usage | undefined;
  /** What a non-streamed body generated, for estimating tokens when it has no usage. */
  textOfBody(body: unknown): GeneratedOutput;
  /** `countText` counts generated text for an estimate; without it, a stream's output is not kept. */
  observeStream(onFirstToken: () => void, countText?: TextCounter): StreamObserver;
}

/** Counts tokens locally when an upstream reports no usage (some OpenAI-compatible servers never do). */
export interface UsageEstimator {
  /** `completion` is what the response generated; a plain string counts as text only. */
  estimate(model: string, requestBody: unknown, completion: string | GeneratedOutput): Usage;
  /** Counts generated text for `model` as a stream passes, so that it need not be kept whole. */
  textCounter(model: string): TextCounter;
}
