import type { Usage } from "../usage/types.js";
import { computeCostUsd } from "./cost.js";
import { detachedPrefix } from "./model-name.js";
import { resolvePrice } from "./resolve-model.js";
import type { Pricer, PriceTable, ResolvedPrice } from "./types.js";

export interface PricerOptions {
  readonly table: PriceTable;
  /** Called once per model that has no price, so an operator sees it without a flood of lines. */
  readonly onUnpriced?: (model: string) => void;
}

/** Names remembered, like the labels: beyond this, names are resolved on each use instead. */
const maxRemembered = 10_000;
/**
 * Longer names are resolved on each use and never kept: a provider prefix can make a real name long
 * (`azure/<deployment>/gpt-4o`), but its price depends on its end, so a cut could not stand for it.
 * Resolving costs time linear in the name, which the request paid to send.
 */
const maxRememberedLength = 256;
/** A long unpriced name is reported once per distinct first 100 characters, which is what is logged. */
const reportedPrefixLength = 100;

/** Resolves each model name once and keeps the answer: the hot path does one Map lookup. */
export function createPricer({
  table,
  onUnpriced,
}: PricerOptions): Pricer & { isKnown(model: string): boolean } {
  const resolved = new Map<string, ResolvedPrice | null>();
  const lookup = (model: string): ResolvedPrice | undefined => {
    const known = resolved.get(model);
    if (known !== undefined) return known ?? undefined;
    const hit = resolvePrice(table, model) ?? null;
    if (model.length <= maxRememberedLength && resolved.size < maxRemembered) {
      resolved.set(detachedPrefix(model, maxRememberedLength), hit);
    }
    return hit ?? undefined;
  };
  // Only the name a cost fell back to is reported, not an answer's unknown name: once per name, and a
  // long one once per its first 100 characters.
  const reported = new Set<string>();
  const report = (model: string): undefined => {
    const long = model.length > maxRememberedLength;
    const id = detachedPrefix(model, long ? reportedPrefixLength : maxRememberedLength);
    if (reported.has(id) || reported.size >= maxRemembered) return;
    reported.add(id);
    onUnpriced?.(model);
  };
  return {
    costOf(model: string, usage: Usage, answeredBy?: string) {
      // A fine-tune bills at its own rates, never its base model's, whatever the answer names.
      const answer = answeredBy === undefined || model.startsWith("ft:") ? undefined : lookup(answeredBy);
      const hit = answer ?? lookup(model);
      return hit === undefined ? report(model) : computeCostUsd(hit.price, usage);
    },
    isKnown: (model) => table.models.has(model),
  };
}
