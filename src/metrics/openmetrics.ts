import type { Registry } from "prom-client";

export const openMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

type Labels = Readonly<Record<string, string | number | undefined>>;

interface Sample {
  readonly value: number;
  readonly labels: Labels;
  readonly metricName?: string;
  readonly exemplar?: {
    readonly labelSet: Labels;
    readonly value: number;
    readonly timestamp?: number;
  } | null;
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly values: readonly Sample[];
}

/**
 * The registry in OpenMetrics 1.0, exemplars included, rendered from the metrics' own values.
 * prom-client's OpenMetrics mode is not used: its registry renames every counter object in place
 * (strips `_total` from its name), which would change the text format for everyone after
 * one OpenMetrics scrape, and it writes NaN as `Nan`. Here nothing is mutated, so both formats can be
 * served from the same metric objects, concurrently.
 * https://github.com/prometheus/OpenMetrics/blob/main/specification/OpenMetrics.md
 */
export async function renderOpenMetrics(registry: Registry): Promise<string> {
  const families = (await registry.getMetricsAsJSON()) as unknown as Family[];
  const lines: string[] = [];
  for (const family of families) renderFamily(family, lines);
  lines.push("# EOF\n");
  return lines.join("\n");
}

function renderFamily({ name, help, type, values }: Family, lines: string[]): void {
  // An OpenMetrics counter family has no suffix; its samples carry `_total`.
  const isCounter = type === "counter";
  const familyName = isCounter ? name.replace(/_total$/, "") : name;
  lines.push(`# HELP ${familyName} ${escapeText(help)}`, `# TYPE ${familyName} ${type}`);
  for (const sample of values) {
    const sampleName = isCounter ? `${familyName}_total` : (sample.metricName ?? name);
    let line = `${sampleName}${labelSet(sample.labels)} ${formatValue(sample.value)}`;
    const { exemplar } = sample;
    if (exemplar != null && Object.keys(exemplar.labelSet).length > 0) {
      line += ` # ${labelSet(exemplar.labelSet)} ${formatValue(exemplar.value)}`;
      if (exemplar.timestamp !== undefined) line += ` ${exemplar.timestamp}`;
    }
    lines.push(line);
  }
}

function labelSet(labels: Labels): string {
  const parts: string[] = [];
  for (const key in labels) {
    const value = labels[key];
    if (value !== undefined) parts.push(`${key}="${escapeText(String(value))}"`);
  }
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/** OpenMetrics escapes backslash, double quote and line feed, in HELP text and label values alike. */
function escapeText(text: string): string {
  return text.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
