import type { Usage } from "../usage/types.js";
import { computeCostUsd } from "./cost.js";
import { resolvePrice } from "./resolve-model.js";
import type { Pricer, PriceTable, ResolvedPrice } from "./types.js";

export interface PricerOptions {
  readonly table: PriceTable;
  /** Called once per model that has no price, so an operator sees it without a flood of lines. */
  readonly onUnpriced?: (model: string) => void;
}

/** Resolves each model name once and keeps the answer: the hot path does one Map lookup. */
export function createPricer({
  table,
  onUnpriced,
}: PricerOptions): Pricer & { isKnown(model: string): boolean } {
  const resolved = new Map<string, ResolvedPrice | null>();
  const lookup = (model: string): ResolvedPrice | undefined => {
    let hit = resolved.get(model);
    if (hit === undefined) {
      hit = resolvePrice(table, model) ?? null;
      // Bounded like the labels: names beyond this are resolved each time instead of remembered.
      if (resolved.size < 10_000) resolved.set(model, hit);
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
