import { isObject, type Json } from "./json.js";
import type { Usage } from "./types.js";

const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

/**
 * Every request that reaches a model bills at least one prompt token, so a block of zeros is a
 * placeholder, not a bill: fixture 45's `response.incomplete` reports 0/0 after streaming 16 tokens.
 * Treating it as no usage lets the proxy estimate instead of metering the request as free.
 */
const billed = (usage: Usage): Usage | undefined =>
  usage.promptTokens === 0 && usage.completionTokens === 0 ? undefined : usage;

const detail = (parent: unknown, key: string, field: string): number =>
  isObject(parent) && isObject(parent[key]) ? count((parent[key] as Json)[field]) : 0;

/**
 * Chat completions, legacy completions and embeddings share this shape:
 * https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function readPromptCompletionUsage(usage: unknown): Usage | undefined {
  if (!isObject(usage)) return undefined;
  if (usage.prompt_tokens === undefined && usage.completion_tokens === undefined) return undefined;
  const promptTokens = count(usage.prompt_tokens);
  const completionTokens = count(usage.completion_tokens);
  return billed({
    promptTokens,
    completionTokens,
    cachedTokens: Math.min(detail(usage, "prompt_tokens_details", "cached_tokens"), promptTokens),
    reasoningTokens: Math.min(
      detail(usage, "completion_tokens_details", "reasoning_tokens"),
      completionTokens,
    ),
  });
}

/** The Responses API names them input/output: https://platform.openai.com/docs/api-reference/responses/object */
export function readInputOutputUsage(usage: unknown): Usage | undefined {
  if (!isObject(usage)) return undefined;
  if (usage.input_tokens === undefined && usage.output_tokens === undefined) return undefined;
  const promptTokens = count(usage.input_tokens);
  const completionTokens = count(usage.output_tokens);
  return billed({
    promptTokens,
    completionTokens,
    cachedTokens: Math.min(detail(usage, "input_tokens_details", "cached_tokens"), promptTokens),
    reasoningTokens: Math.min(detail(usage, "output_tokens_details", "reasoning_tokens"), completionTokens),
  });
}

/** Either shape: some OpenAI-compatible servers answer /v1/responses with chat-style usage. */
export function readAnyUsage(usage: unknown): Usage | undefined {
  return readInputOutputUsage(usage) ?? readPromptCompletionUsage(usage);
}

export function usageOfBody(body: unknown): Usage | undefined {
  return isObject(body) ? readAnyUsage(body.usage) : undefined;
}
