import type { Check } from "./check.js";
import type { MetricsTiming } from "./metrics-timing.js";
import type { PacedSample } from "./paced.js";
import { pacedChecks } from "./paced-checks.js";
import type { LoadSample } from "./rounds.js";
import { max, median } from "./stats.js";
import { pairedRatios, type ScenarioFigures, type TargetFigures } from "./summary.js";

export type { Check };

export type Figures = Record<"non-stream" | "stream-20", ScenarioFigures>;

const ms = (value: number | undefined): string => `${(value ?? Number.NaN).toFixed(3)} ms`;

function ratioCheck(
  name: string,
  limit: number,
  proxy: number,
  bare: number,
  unit: (v: number) => string,
): Check {
  const ratio = proxy / bare;
  return {
    name,
    limit: `≤ ${limit}× bare`,
    measured: `${ratio.toFixed(2)}× (proxy ${unit(proxy)}, bare ${unit(bare)})`,
    met: ratio <= limit,
  };
}

/** Added latency can be within noise of zero for bare; a ratio to a non-positive number means nothing. */
function addedCheck(name: string, limit: number, proxy: number | undefined, bare: number | undefined): Check {
  const p = proxy ?? Number.NaN;
  const b = bare ?? Number.NaN;
  const ratio = b > 0 ? `${(p / b).toFixed(2)}× ` : "";
  return {
    name,
    limit: `≤ ${limit}× bare's`,
    measured: `${ratio}(proxy +${ms(p)}, bare +${ms(b)})`,
    met: p <= limit * Math.max(b, 0),
  };
}

function latencyChecks(scenario: string, proxy: TargetFigures, bare: TargetFigures): Check[] {
  const checks = [
    addedCheck(`Added latency p50, 1 conn, ${scenario}`, 1.2, proxy.addedP50Ms, bare.addedP50Ms),
    addedCheck(`Added latency p99, 1 conn, ${scenario}`, 1.5, proxy.addedP99Ms, bare.addedP99Ms),
  ];
  if (proxy.addedTtfbP99Ms === undefined) return checks;
  return [
    ...checks,
    addedCheck(`Added TTFB p99, 1 conn, ${scenario}`, 1.5, proxy.addedTtfbP99Ms, bare.addedTtfbP99Ms),
  ];
}

const cpuLimits = { "non-stream": 1.2, "stream-20": 1.3 } as const;

/** Judged on the median of per-round ratios, with the rounds' spread shown beside it. */
function cpuCheck(scenario: keyof typeof cpuLimits, figures: Figures, load: readonly LoadSample[]): Check {
  const ratios = pairedRatios(load, scenario, "proxy", "bare", "cpuMsPerRequest");
  const ratio = median(ratios);
  const proxy = figures[scenario].proxy?.cpuMsPerRequest ?? Number.NaN;
  const bare = figures[scenario].bare?.cpuMsPerRequest ?? Number.NaN;
  const spread = `rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  return {
    name: `CPU per request, ${scenario}`,
    limit: `≤ ${cpuLimits[scenario]}× bare`,
    measured: `${ratio.toFixed(2)}× (${spread}; proxy ${proxy.toFixed(3)} ms, bare ${bare.toFixed(3)} ms)`,
    met: ratio <= cpuLimits[scenario],
  };
}

/** The targets, each judged on the figures as measured. */
export function evaluate(
  figures: Figures,
  load: readonly LoadSample[],
  metrics: MetricsTiming,
  paced: readonly PacedSample[],
): Check[] {
  const checks: Check[] = [];
  for (const scenario of ["non-stream", "stream-20"] as const) {
    const proxy = figures[scenario].proxy ?? {};
    const bare = figures[scenario].bare ?? {};
    checks.push(cpuCheck(scenario, figures, load), ...latencyChecks(scenario, proxy, bare));
  }
  const peak = (target: "proxy" | "bare") =>
    max([
      figures["non-stream"][target]?.peakRssMiB ?? Number.NaN,
      figures["stream-20"][target]?.peakRssMiB ?? Number.NaN,
    ]);
  checks.push(
    ratioCheck(
      "Peak RSS under 32-connection load",
      1.3,
      peak("proxy"),
      peak("bare"),
      (v) => `${v.toFixed(1)} MiB`,
    ),
  );
  checks.push({
    name: `GET /metrics with ${metrics.models} models (median of ${metrics.scrapes})`,
    limit: "< 25 ms",
    measured: ms(metrics.medianMs),
    met: metrics.medianMs < 25,
  });
  return [...checks, ...pacedChecks(paced)];
}
