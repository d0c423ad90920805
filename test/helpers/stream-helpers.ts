import { createUsageStripper } from "../../src/stream/usage-stripper.js";
import type { Usage } from "../../src/usage/types.js";

/** Feeds a usage stripper the chunks and joins all it lets through, the flushed rest included. */
export function stripAll(chunks: readonly Buffer[]): Buffer {
  const stripper = createUsageStripper();
  const out: Buffer[] = [];
  for (const chunk of chunks) {
    const bytes = stripper.push(chunk);
    if (bytes !== undefined) out.push(bytes);
  }
  const rest = stripper.flush();
  if (rest !== undefined) out.push(rest);
  return Buffer.concat(out);
}

/** A Usage with its subsets defaulting to 0. */
export const usageOf = (
  promptTokens: number,
  completionTokens: number,
  cachedTokens = 0,
  reasoningTokens = 0,
): Usage => ({
  promptTokens,
  completionTokens,
  cachedTokens,
  reasoningTokens,
});
