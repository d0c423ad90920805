/**
 * Metric names referenced by a PromQL expression, for checking dashboards and rules against the names
 * the proxy exports. Not a PromQL parser: it blanks out everything that holds no metric name (strings,
 * label matchers, ranges, grouping label lists, Grafana variables) and keeps the identifiers that are
 * neither function calls nor keywords. https://prometheus.io/docs/prometheus/latest/querying/basics/
 */

const keywords = new Set([
  "and",
  "or",
  "unless",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "offset",
  "inf",
  "nan",
]);

const strings = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
const matchers = /\{[^}]*\}/g;
const ranges = /\[[^\]]*\]/g;
const groupings = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;
const variables = /\$\{?\w+\}?/g;
// Whole identifiers only: not after a digit or dot (1e3, 0.95, 5m) and not before "(" (a function).
const identifiers = /(?<![\w.:])[a-zA-Z_:][\w:]*(?![\w:])(?!\s*\()/g;

export function metricNames(expr: string): string[] {
  const blanked = expr
    .replace(strings, " ")
    .replace(matchers, " ")
    .replace(ranges, " ")
    .replace(groupings, " ")
    .replace(variables, " ");
  const names = new Set<string>();
  for (const [name] of blanked.matchAll(identifiers)) {
    if (!keywords.has(name.toLowerCase())) names.add(name);
  }
  return [...names].sort();
}

/** The label matchers (`{…}`, or "" for none) of every selector of `name` in the expression. */
export function matchersOf(expr: string, name: string): string[] {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const selector = new RegExp(`(?<![\\w.:])${escaped}(?![\\w:])\\s*(\\{[^}]*\\})?`, "g");
  return [...expr.matchAll(selector)].map((match) => match[1] ?? "");
}
