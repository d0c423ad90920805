import type { Check, Figures } from "./checks.js";
import type { Comparison } from "./comparisons.js";
import type { Machine } from "./machine.js";
import type { MetricsTiming } from "./metrics-timing.js";
import type { PacedOptions, PacedSample } from "./paced.js";
import { addedGapMs, growth } from "./paced-checks.js";
import type { Samples } from "./rounds.js";
import type { TargetFigures } from "./summary.js";
import type { TargetName } from "./targets.js";

export interface Report {
  readonly command: string;
  readonly date: string;
  readonly machine: Machine;
  readonly options: {
    seconds: number;
    rounds: number;
    connections: number;
    autoWorkers: number;
    paced: PacedOptions;
  };
  readonly method: readonly string[];
  readonly figures: Figures;
  readonly metricsEndpoint: { single: MetricsTiming; cluster: MetricsTiming };
  readonly checks: readonly Check[];
  readonly comparisons: readonly Comparison[];
  readonly paced: readonly PacedSample[];
  /** Every phase of every round, for anyone who wants other statistics than the medians. */
  readonly samples: Samples;
}

export function table(rows: readonly (readonly string[])[]): string {
  // Markdown wants at least three dashes under each header.
  const widths = (rows[0] ?? []).map((_, col) => Math.max(3, ...rows.map((row) => (row[col] ?? "").length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const [head = [], ...body] = rows;
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

const fixed = (digits: number) => (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? "–" : value.toFixed(digits);

const rowsOf: readonly [string, keyof TargetFigures, (v: number | undefined) => string][] = [
  ["latency p50, 1 conn (ms)", "latencyP50Ms", fixed(3)],
  ["latency p99, 1 conn (ms)", "latencyP99Ms", fixed(3)],
  ["added p50 over direct (ms)", "addedP50Ms", fixed(3)],
  ["added p99 over direct (ms)", "addedP99Ms", fixed(3)],
  ["CPU per request, 1 conn (ms)", "cpuMsPerRequest1Conn", fixed(3)],
  ["TTFB p50, 1 conn (ms)", "ttfbP50Ms", fixed(3)],
  ["TTFB p99, 1 conn (ms)", "ttfbP99Ms", fixed(3)],
  ["added TTFB p50 (ms)", "addedTtfbP50Ms", fixed(3)],
  ["added TTFB p99 (ms)", "addedTtfbP99Ms", fixed(3)],
  ["requests/s, 32 conns", "rps", fixed(0)],
  ["CPU per request, 32 conns (ms)", "cpuMsPerRequest", fixed(3)],
  ["peak RSS under load (MiB)", "peakRssMiB", fixed(1)],
  ["failed requests", "failedRequests", fixed(0)],
];

function scenarioTable(report: Report, scenario: keyof Figures): string {
  const figures = report.figures[scenario];
  const columns: [TargetName, string][] = [
    ["direct", "simulator direct"],
    ["bare", "bare pass-through"],
    ["proxy", "proxy (info log)"],
    ["proxy-warn", "proxy (warn log)"],
    ["proxy-auto", `proxy, WORKERS=auto (${report.options.autoWorkers})`],
  ];
  const rows = rowsOf
    .filter(([, key]) => columns.some(([target]) => figures[target]?.[key] !== undefined))
    .map(([label, key, format]) => [label, ...columns.map(([target]) => format(figures[target]?.[key]))]);
  return table([[scenario, ...columns.map(([, title]) => title)], ...rows]);
}

function pacedTable(report: Report): string {
  const { paced, options } = report;
  const rows = paced.map((s) => [
    String(s.streams),
    s.target === "proxy" ? "proxy" : "bare pass-through",
    s.rssPerStreamKiB.toFixed(1),
    s.cpuUsPerChunk.toFixed(1),
    s.upstreamGapP99Ms.toFixed(1),
    s.clientGapP99Ms.toFixed(1),
    `+${addedGapMs(s).toFixed(1)}`,
    String(s.chunks),
  ]);
  const growthLine = (target: "proxy" | "bare") => growth(paced, target)?.toFixed(2) ?? "–";
  return [
    `Paced streams: ${options.paced.counts.join(", ")} streams open at once, ${options.paced.perSecond} content chunks/s across all of them, a ${options.paced.windowSeconds} s window each (fresh processes per count):`,
    "",
    table([
      [
        "streams",
        "target",
        "RSS per open stream (KiB)",
        "CPU per chunk (µs)",
        "upstream gap p99 (ms)",
        "client gap p99 (ms)",
        "added (ms)",
        "chunks",
      ],
      ...rows,
    ]),
    ...(growth(paced, "proxy") === undefined
      ? []
      : [
          "",
          `CPU per chunk at ${Math.max(...options.paced.counts)} streams ÷ at 100: proxy ${growthLine("proxy")}×, bare ${growthLine("bare")}×.`,
        ]),
  ].join("\n");
}

function checksTable(checks: readonly Check[]): string {
  return table([
    ["target", "limit", "measured", "met"],
    ...checks.map((c) => [c.name, c.limit, c.measured, c.met ? "met" : "NOT met"]),
  ]);
}

function comparisonTable(comparisons: readonly Comparison[]): string {
  return table([
    ["comparison (median of per-round ratios)", "ratio", "rounds"],
    ...comparisons.map((c) => [c.name, `${c.ratio.toFixed(2)}×`, `${c.min.toFixed(2)}–${c.max.toFixed(2)}`]),
  ]);
}

function metricsLine(label: string, m: MetricsTiming): string {
  return `- ${label}: median ${m.medianMs.toFixed(2)} ms, p95 ${m.p95Ms.toFixed(2)} ms over ${m.scrapes} scrapes (${m.models} models, ${m.seriesLines} series lines, ${(m.bodyBytes / 1024).toFixed(0)} KiB).`;
}

export function markdown(report: Report): string {
  const { machine, options } = report;
  return [
    `Measured by \`${report.command}\` on ${report.date}: ${machine.cpus} × ${machine.cpuModel}, Node.js ${machine.node}, Linux ${machine.kernel}, load average ${machine.loadAverage} at start.`,
    `${options.rounds} interleaved rounds of ${options.seconds} s per phase; the figures are medians over rounds.`,
    "",
    scenarioTable(report, "non-stream"),
    "",
    scenarioTable(report, "stream-20"),
    "",
    "GET /metrics:",
    "",
    metricsLine("1 worker", report.metricsEndpoint.single),
    metricsLine(`WORKERS=auto (${options.autoWorkers}), aggregated over IPC`, report.metricsEndpoint.cluster),
    "",
    pacedTable(report),
    "",
    checksTable(report.checks),
    "",
    comparisonTable(report.comparisons),
    "",
    "Method:",
    "",
    ...report.method.map((line) => `- ${line}`),
    "",
  ].join("\n");
}
