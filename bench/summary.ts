import type { Scenario } from "./load.js";
import type { LatencySample, LoadSample, Samples, TtfbSample } from "./rounds.js";
import { max, median } from "./stats.js";
import type { TargetName } from "./targets.js";

/** One target in one scenario: medians over rounds, except the peak, which is the highest round. */
export interface TargetFigures {
  latencyP50Ms?: number;
  latencyP99Ms?: number;
  /** CPU per request during the 1-connection latency phase. */
  cpuMsPerRequest1Conn?: number;
  /** Over calling the simulator directly, computed within each round, then the median over rounds. */
  addedP50Ms?: number;
  addedP99Ms?: number;
  ttfbP50Ms?: number;
  ttfbP99Ms?: number;
  addedTtfbP50Ms?: number;
  addedTtfbP99Ms?: number;
  rps?: number;
  cpuMsPerRequest?: number;
  peakRssMiB?: number;
  failedRequests?: number;
}

export type ScenarioFigures = Partial<Record<TargetName, TargetFigures>>;

type Keyed = { round: number; scenario: string; target: TargetName };

function of<T extends Keyed>(samples: readonly T[], scenario: string, target: TargetName): T[] {
  return samples.filter((s) => s.scenario === scenario && s.target === target);
}

/** target − direct in each round, so that both figures saw the same moment of machine noise. */
export function addedByRound<T extends Keyed>(
  samples: readonly T[],
  scenario: string,
  target: TargetName,
  field: keyof T,
): Map<number, number> {
  const direct = of(samples, scenario, "direct");
  const added = new Map<number, number>();
  for (const s of of(samples, scenario, target)) {
    const baseline = direct.find((d) => d.round === s.round);
    if (baseline !== undefined) added.set(s.round, (s[field] as number) - (baseline[field] as number));
  }
  return added;
}

function added<T extends Keyed>(samples: readonly T[], scenario: string, target: TargetName, field: keyof T) {
  return median([...addedByRound(samples, scenario, target, field).values()]);
}

function latencyFigures(
  samples: readonly LatencySample[],
  scenario: string,
  target: TargetName,
): TargetFigures {
  const mine = of(samples, scenario, target);
  if (mine.length === 0) return {};
  const figures: TargetFigures = {
    latencyP50Ms: median(mine.map((s) => s.p50Ms)),
    latencyP99Ms: median(mine.map((s) => s.p99Ms)),
    cpuMsPerRequest1Conn: median(mine.map((s) => s.cpuMsPerRequest)),
  };
  if (target === "direct") return figures;
  return {
    ...figures,
    addedP50Ms: added(samples, scenario, target, "p50Ms"),
    addedP99Ms: added(samples, scenario, target, "p99Ms"),
  };
}

function ttfbFigures(samples: readonly TtfbSample[], scenario: string, target: TargetName): TargetFigures {
  const mine = of(samples, scenario, target);
  if (mine.length === 0) return {};
  const figures: TargetFigures = {
    ttfbP50Ms: median(mine.map((s) => s.ttfbP50Ms)),
    ttfbP99Ms: median(mine.map((s) => s.ttfbP99Ms)),
  };
  if (target === "direct") return figures;
  return {
    ...figures,
    addedTtfbP50Ms: added(samples, scenario, target, "ttfbP50Ms"),
    addedTtfbP99Ms: added(samples, scenario, target, "ttfbP99Ms"),
  };
}

function loadFigures(samples: readonly LoadSample[], scenario: string, target: TargetName): TargetFigures {
  const mine = of(samples, scenario, target);
  if (mine.length === 0) return {};
  return {
    rps: median(mine.map((s) => s.rps)),
    cpuMsPerRequest: median(mine.map((s) => s.cpuMsPerRequest)),
    peakRssMiB: max(mine.map((s) => s.peakRssBytes)) / 2 ** 20,
    failedRequests: mine.reduce((sum, s) => sum + s.failed, 0),
  };
}

/** a/b for each round in which both ran: the ratio of two figures that saw the same machine noise. */
export function pairedRatios(
  samples: readonly LoadSample[],
  scenario: string,
  a: TargetName,
  b: TargetName,
  field: "cpuMsPerRequest" | "rps",
): number[] {
  const bs = of(samples, scenario, b);
  return of(samples, scenario, a).flatMap((s) => {
    const other = bs.find((o) => o.round === s.round);
    return other === undefined ? [] : [s[field] / other[field]];
  });
}

const targetNames: readonly TargetName[] = ["direct", "bare", "proxy", "proxy-warn", "proxy-auto"];

export function summarise(samples: Samples, scenario: Scenario["name"]): ScenarioFigures {
  const figures: ScenarioFigures = {};
  for (const target of targetNames) {
    figures[target] = {
      ...latencyFigures(samples.latency, scenario, target),
      ...ttfbFigures(samples.ttfb, scenario, target),
      ...loadFigures(samples.load, scenario, target),
    };
  }
  return figures;
}
