import { type GeneratedOutput, textOutput } from "./generated-output.js";
import { estimateCompletionTokens, estimatePromptTokens, estimateToolCallTokens } from "./tokenizer.js";
import type { UsageEstimator } from "./types.js";

/** Completion tokens of every generated message: its text, plus its tool calls with their framing. */
function outputTokens(model: string, output: GeneratedOutput): number {
  let tokens = 0;
  for (const message of output) {
    tokens += message.countedTokens ?? 0;
    if (message.text !== "") tokens += estimateCompletionTokens(model, message.text);
    tokens += estimateToolCallTokens(model, message.toolCalls);
  }
  return tokens;
}

/** The tokenizer-backed estimator; cached and reasoning tokens cannot be known locally and stay 0. */
export function createTokenEstimator(): UsageEstimator {
  return {
    estimate(model, requestBody, completion) {
      const output = typeof completion === "string" ? textOutput(completion) : completion;
      return {
        promptTokens: estimatePromptTokens(model, requestBody),
        completionTokens: outputTokens(model, output),
        cachedTokens: 0,
        reasoningTokens: 0,
      };
    },
    textCounter: (model) => (text) => estimateCompletionTokens(model, text),
  };
}
