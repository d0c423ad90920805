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
 * the first `maxModelLabels` unknown names too, and every later unknown name counts as "other".
 */
export function createModelLabeler({ isKnown, maxModelLabels }: ModelLabelerOptions): ModelLabeler {
  const labels = new Map<string, string>();
  let unknownCount = 0;
  return function labelFor(model) {
    if (model === undefined || model === "") return unknownModelLabel;
    const cached = labels.get(model);
    if (cached !== undefined) return cached;
    if (isKnown(model)) return remember(labels, model, model.slice(0, maxLabelLength));
    if (unknownCount >= maxModelLabels) return overflowModelLabel;
    unknownCount += 1;
    return remember(labels, model, model.slice(0, maxLabelLength));
  };
}

function remember(labels: Map<string, string>, model: string, label: string): string {
  labels.set(model, label);
  return label;
}
