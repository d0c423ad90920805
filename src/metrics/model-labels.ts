import { detachedPrefix } from "../pricing/model-name.js";

const overflowModelLabel = "other";
const unknownModelLabel = "unknown";

/** Long names are cut so that one client cannot make a single huge label value. */
const maxLabelLength = 100;

export interface ModelLabelerOptions {
  /** Models the proxy knows (the price table): always their own label, never counted against the cap. */
  readonly isKnown: (model: string) => boolean;
  readonly maxModelLabels: number;
}

export type ModelLabeler = (model: string | undefined) => string;

/**
 * `model` comes from the client, so its label values must be bounded: known models keep their names,
 * the first `maxModelLabels` unknown names too, and every later unknown name counts as "other". Names
 * are cut to 100 characters before anything is looked up or kept, so names that share their first 100
 * characters share a label and one place under the cap, and nothing of a longer name outlives its
 * request: the labels and the keys remembered are detached copies of the cut.
 */
export function createModelLabeler({ isKnown, maxModelLabels }: ModelLabelerOptions): ModelLabeler {
  const labels = new Map<string, string>();
  let unknownCount = 0;
  return function labelFor(model) {
    if (model === undefined || model === "") return unknownModelLabel;
    const cut = model.length <= maxLabelLength ? model : detachedPrefix(model, maxLabelLength);
    const cached = labels.get(cut);
    if (cached !== undefined) return cached;
    if (isKnown(model)) return remember(labels, cut);
    if (unknownCount >= maxModelLabels) return overflowModelLabel;
    unknownCount += 1;
    return remember(labels, cut);
  };
}

function remember(labels: Map<string, string>, name: string): string {
  const label = detachedPrefix(name, maxLabelLength);
  labels.set(label, label);
  return label;
}
