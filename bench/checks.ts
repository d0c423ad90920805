import type { Check } from "./check.js";
import type { MetricsTiming } from "./metrics-timing.js";
import type { PacedSample } from "./paced.js";
import { pacedChecks } from "./paced-checks.js";
import type { LatencySample, LoadSample, Samples, TtfbSample } from "./rounds.js";
import { max, median } from "./stats.js";
import { addedByRound, pairedRatios, type ScenarioFigures } from "./summary.js";

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

/** The lowest and highest of the per-round ratios, as the checks print them beside the median. */
const spreadOf = (ratios: readonly number[]): string =>
  `rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;

type AddedField = "p50Ms" | "p99Ms" | "ttfbP99Ms";

interface AddedLatency {
  readonly name: string;
  readonly limit: number;
  readonly proxy: number | undefined;
  readonly bare: number | undefined;
  /** The proxy's added figure over the bare's in each round where the bare's was above zero. */
  readonly rounds: readonly number[];
}

/** Added latency can be within noise of zero for bare; a ratio to a non-positive number means nothing. */
function addedCheck({ name, limit, proxy, bare, rounds }: AddedLatency): Check {
  const p = proxy ?? Number.NaN;
  const b = bare ?? Number.NaN;
  const ratio = b > 0 ? `${(p / b).toFixed(2)}× ` : "";
  const spread = rounds.length > 1 ? `${spreadOf(rounds)}; ` : "";
  return {
    name,
    limit: `≤ ${limit}× bare's`,
    measured: `${ratio}(${spread}proxy +${ms(p)}, bare +${ms(b)})`,
    met: p <= limit * Math.max(b, 0),
  };
}

/** Each round's ratio, from that round's added figures: the spread a reader needs to judge the median. */
function roundRatios<T extends LatencySample | TtfbSample>(
  samples: readonly T[],
  scenario: string,
  field: AddedField & keyof T,
): number[] {
  const proxy = addedByRound(samples, scenario, "proxy", field);
  const bare = addedByRound(samples, scenario, "bare", field);
  return [...proxy].flatMap(([round, added]) => {
    const floor = bare.get(round);
    return floor !== undefined && floor > 0 ? [added / floor] : [];
  });
}

function latencyChecks(scenario: string, figures: ScenarioFigures, samples: Samples): Check[] {
  const proxy = figures.proxy ?? {};
  const bare = figures.bare ?? {};
  const latency = (quantile: "p50" | "p99", limit: number): Check =>
    addedCheck({
      name: `Added latency ${quantile}, 1 conn, ${scenario}`,
      limit,
      proxy: quantile === "p50" ? proxy.addedP50Ms : proxy.addedP99Ms,
      bare: quantile === "p50" ? bare.addedP50Ms : bare.addedP99Ms,
      rounds: roundRatios(samples.latency, scenario, `${quantile}Ms`),
    });
  const checks = [latency("p50", 1.2), latency("p99", 1.5)];
  if (proxy.addedTtfbP99Ms === undefined) return checks;
  const ttfb = addedCheck({
    name: `Added TTFB p99, 1 conn, ${scenario}`,
    limit: 1.5,
    proxy: proxy.addedTtfbP99Ms,
    bare: bare.addedTtfbP99Ms,
    rounds: roundRatios(samples.ttfb, scenario, "ttfbP99Ms"),
  });
  return [...checks, ttfb];
}

const cpuLimits = { "non-stream": 1.2, "stream-20": 1.3 } as const;

/** Judged on the median of per-round ratios, with the rounds' spread shown beside it. */
function cpuCheck(scenario: keyof typeof cpuLimits, figures: Figures, load: readonly LoadSample[]): Check {
  const ratios = pairedRatios(load, scenario, "proxy", "bare", "cpuMsPerRequest");
  const ratio = median(ratios);
  const proxy = figures[scenario].proxy?.cpuMsPerRequest ?? Number.NaN;
  const bare = figures[scenario].bare?.cpuMsPerRequest ?? Number.NaN;
  const spread = spreadOf(ratios);
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
  samples: Samples,
  metrics: MetricsTiming,
  paced: readonly PacedSample[],
): Check[] {
  const checks: Check[] = [];
  for (const scenario of ["non-stream", "stream-20"] as const) {
    checks.push(
      cpuCheck(scenario, figures, samples.load),
      ...latencyChecks(scenario, figures[scenario], samples),
    );
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
