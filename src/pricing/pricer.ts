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
  const reportedLong = new Set<string>();
  const reportLong = (model: string) => {
    const prefix = detachedPrefix(model, reportedPrefixLength);
    if (reportedLong.has(prefix) || reportedLong.size >= maxRemembered) return;
    reportedLong.add(prefix);
    onUnpriced?.(model);
  };
  const lookup = (model: string): ResolvedPrice | undefined => {
    const known = resolved.get(model);
    if (known !== undefined) return known ?? undefined;
    const hit = resolvePrice(table, model) ?? null;
    if (model.length > maxRememberedLength) {
      if (hit === null) reportLong(model);
    } else if (resolved.size < maxRemembered) {
      resolved.set(detachedPrefix(model, maxRememberedLength), hit);
      if (hit === null) onUnpriced?.(model);
    }
    return hit ?? undefined;
  };
  return {
    costOf(model: string, usage: Usage) {
      const hit = lookup(model);
      return hit === undefined ? undefined : computeCostUsd(hit.price, usage);
    },
    isKnown: (model) => table.models.has(model),
  };
}
