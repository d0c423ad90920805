/** Parses Prometheus text exposition into a map from `name{labels}` (labels sorted) to value. */
export function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$/.exec(line);
    if (match === null) continue;
    const [, name = "", , labels = ""] = match;
    values.set(seriesKey(name, parseLabels(labels)), Number(match[4]));
  }
  return values;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    labels[match[1] as string] = (match[2] as string).replace(/\\(.)/g, "$1");
  }
  return labels;
}

export function seriesKey(name: string, labels: Record<string, string> = {}): string {
  const inner = Object.keys(labels)
    .sort()
    .map((key) => `${key}="${labels[key]}"`)
    .join(",");
  return `${name}{${inner}}`;
}

/** Reads a series' value (0 when absent), so tests can assert deltas between two scrapes. */
export function seriesValue(
  metrics: Map<string, number>,
  name: string,
  labels: Record<string, string> = {},
): number {
  return metrics.get(seriesKey(name, labels)) ?? 0;
}

/** The difference of every series between two scrapes, for the series that changed. */
export function deltas(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const changed = new Map<string, number>();
  for (const [key, value] of after) {
    const delta = value - (before.get(key) ?? 0);
    if (delta !== 0) changed.set(key, delta);
  }
  return changed;
}

/** The label sets of every series of `name` (a counter, a gauge, or a histogram's `_bucket`) in `text`. */
export function seriesLabels(text: string, name: string): Record<string, string>[] {
  const sets: Record<string, string>[] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$/.exec(line);
    if (match?.[1] === name) sets.push(parseLabels(match[3] ?? ""));
  }
  return sets;
}
