import type { Usage } from "../usage/types.js";
import type { ModelPrice } from "./types.js";

const tokensPerMillion = 1_000_000;

/**
 * USD cost of one request at list price. Cached tokens are the part of the prompt that hit the prompt
 * cache and bill at the discounted rate; reasoning tokens are already inside completion tokens and are
 * billed once, at the output rate. https://platform.openai.com/docs/guides/prompt-caching
 */
export function computeCostUsd(price: ModelPrice, usage: Usage): number {
  const prompt = tokenCount(usage.promptTokens);
  // Some OpenAI-compatible servers report cached > prompt; never bill more tokens than were sent.
  const cached = Math.min(tokenCount(usage.cachedTokens), prompt);
  const completion = tokenCount(usage.completionTokens);
  const microDollars =
    (prompt - cached) * price.input + cached * (price.cachedInput ?? price.input) + completion * price.output;
  return microDollars / tokensPerMillion;
}

/** Negative, NaN or infinite counts come only from broken upstream usage blocks: treat them as zero. */
function tokenCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
