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

export const zeroUsage: Usage = Object.freeze({
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  reasoningTokens: 0,
});

/** The endpoints the proxy meters separately; also the values of the `endpoint` label. */
export type Endpoint = "chat_completions" | "responses" | "embeddings" | "completions" | "ask" | "other";

export const endpoints: readonly Endpoint[] = [
  "chat_completions",
  "responses",
  "embeddings",
  "completions",
  "ask",
  "other",
];
