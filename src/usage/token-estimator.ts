import { estimateCompletionTokens, estimatePromptTokens } from "./estimate-tokens.js";
import type { Estimator } from "./estimator.js";

/** The tokenizer-backed estimator; cached and reasoning tokens cannot be known locally and stay 0. */
export function createTokenEstimator(): Estimator {
  return {
    estimate(model, requestBody, completionText) {
      return {
        promptTokens: estimatePromptTokens(model, requestBody),
        completionTokens: completionText === "" ? 0 : estimateCompletionTokens(model, completionText),
        cachedTokens: 0,
        reasoningTokens: 0,
      };
    },
  };
}
