import type { Usage } from "../usage/types.js";

/** List prices in USD per one million tokens, the unit OpenAI publishes them in. */
export interface ModelPrice {
  readonly input: number;
  /** Absent when the model has no prompt-caching discount: cached tokens then bill at `input`. */
  readonly cachedInput?: number;
  /** 0 for embeddings models, which produce no completion tokens. */
  readonly output: number;
}

export interface PriceTable {
  readonly asOf: string;
  readonly source: string;
  /** Keyed by lower-case model name. */
  readonly models: ReadonlyMap<string, ModelPrice>;
}

export interface ResolvedPrice {
  /** The table key that matched, which may differ from the requested model (prefix or snapshot stripped). */
  readonly name: string;
  readonly price: ModelPrice;
}

/** What a prices file contributes: per-model prices, plus provenance when the file states it. */
export interface ParsedPrices {
  readonly asOf?: string;
  readonly source?: string;
  readonly models: ReadonlyMap<string, ModelPrice>;
}

/** What the request meter asks of pricing. */
export interface Pricer {
  /**
   * USD for this usage, or undefined when the model has no price (then the cost is unknown, not zero).
   * Priced as `answeredBy`, the model the upstream says answered, when the table knows it: an Azure
   * deployment name (`my-gpt4o-deploy`) that answers as `gpt-4o-2024-08-06` is priced, not unpriced.
   */
  costOf(model: string, usage: Usage, answeredBy?: string): number | undefined;
}
