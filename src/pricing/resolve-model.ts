import type { PriceTable, ResolvedPrice } from "./types.js";

// Dated snapshots: `gpt-4o-mini-2024-07-18` and the older month-day form `gpt-4-0613`, `gpt-3.5-turbo-0125`.
// https://platform.openai.com/docs/models
const snapshotSuffix = /-(?:\d{4}-\d{2}-\d{2}|[01]\d[0-3]\d)$/;

/**
 * Finds the price for a model name as sent or returned by an OpenAI-compatible upstream. Tries, in order:
 * the exact name, the name without its snapshot date, then the same two without a provider prefix
 * (`openai/`, `azure/…/`), so a provider-specific override beats the generic price. Only whole names
 * match: `gpt-4o` never prices `gpt-4o-mini`, because guessing a price is worse than reporting none.
 */
export function resolvePrice(table: PriceTable, model: string): ResolvedPrice | undefined {
  for (const name of candidateNames(model)) {
    const price = table.models.get(name);
    if (price !== undefined) return { name, price };
  }
  return undefined;
}

/** The lookup keys for `model`, most specific first. */
export function candidateNames(model: string): string[] {
  const full = model.trim().toLowerCase();
  const slash = full.lastIndexOf("/");
  const bare = slash === -1 ? full : full.slice(slash + 1);
  const names = [full, full.replace(snapshotSuffix, ""), bare, bare.replace(snapshotSuffix, "")];
  return names.filter((name, index) => name !== "" && names.indexOf(name) === index);
}
