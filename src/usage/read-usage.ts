import { isObject, type Json } from "./json.js";
import type { Usage } from "./types.js";

/**
 * A count as the upstream sent it: absent or null is 0, a number is kept as it is, anything else is NaN.
 * Nothing is repaired here (no flooring, no clamping): a block with a count that is not a non-negative
 * safe integer is refused whole by `isCountableUsage`, because a broken upstream's 1e308 or -3 says
 * nothing about what was billed.
 */
const count = (value: unknown): number =>
  value === undefined || value === null ? 0 : typeof value === "number" ? value : Number.NaN;

const countable = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/**
 * Whether every count is a non-negative integer below 2^53: only such usage reaches the counters, so
 * that they never turn NaN or +Inf and never decrease (prom-client adds NaN silently, and throws on an
 * infinite increment).
 */
export const isCountableUsage = (usage: Usage): boolean =>
  countable(usage.promptTokens) &&
  countable(usage.completionTokens) &&
  countable(usage.cachedTokens) &&
  countable(usage.reasoningTokens);

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
