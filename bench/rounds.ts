import { runLoad, runTtfb, type Scenario, scenarios } from "./load.js";
import { cpuSeconds, peakRss, processTree, resetPeak } from "./proc-stats.js";
import { quantile } from "./stats.js";
import { phaseTargets, type Target, type TargetName } from "./targets.js";

export interface BenchOptions {
  readonly seconds: number;
  readonly rounds: number;
  readonly warmupSeconds: number;
  readonly loadConnections: number;
}

interface SampleBase {
  readonly round: number;
  readonly scenario: Scenario["name"];
  readonly target: TargetName;
}

export interface LatencySample extends SampleBase {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly count: number;
  /** CPU of the target per request at one connection, where each request meets a core gone cold. */
  readonly cpuMsPerRequest: number;
}

export interface TtfbSample extends SampleBase {
  readonly ttfbP50Ms: number;
  readonly ttfbP99Ms: number;
  readonly count: number;
  readonly failures: number;
}

export interface LoadSample extends SampleBase {
  readonly rps: number;
  readonly cpuMsPerRequest: number;
  readonly peakRssBytes: number;
  readonly completed: number;
  readonly failed: number;
}

export interface Samples {
  readonly latency: LatencySample[];
  readonly ttfb: TtfbSample[];
  readonly load: LoadSample[];
  /** False when /proc/<pid>/clear_refs could not be written: peaks are then lifetime peaks. */
  peakResetWorked: boolean;
}

/** Round r starts the rotation at target r, so no target is always first after a pause or a switch. */
function rotated<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function pick(targets: readonly Target[], names: readonly TargetName[], round: number): Target[] {
  return rotated(
    names.map((name) => targets.find((t) => t.name === name) as Target),
    round,
  );
}

/** Every target sees the same requests first, so that JIT and connection pools are warm for round 1. */
export async function warmUp(targets: readonly Target[], options: BenchOptions): Promise<void> {
  for (const scenario of scenarios) {
    for (const target of targets) {
      await runLoad(target.child.origin, scenario, options.loadConnections, options.warmupSeconds);
    }
  }
}

export async function runRounds(
  targets: readonly Target[],
  options: BenchOptions,
  log: (line: string) => void,
): Promise<Samples> {
  const samples: Samples = { latency: [], ttfb: [], load: [], peakResetWorked: true };
  for (let round = 0; round < options.rounds; round++) {
    for (const scenario of scenarios) {
      log(`round ${round + 1}/${options.rounds} ${scenario.name}`);
      const base = { round, scenario: scenario.name };
      for (const target of pick(targets, phaseTargets.latency, round)) {
        samples.latency.push({ ...base, ...(await latencyPhase(target, scenario, options)) });
      }
      if (scenario.name === "stream-20") {
        for (const target of pick(targets, phaseTargets.ttfb, round)) {
          samples.ttfb.push({ ...base, ...(await ttfbPhase(target, scenario, options)) });
        }
      }
      for (const target of pick(targets, phaseTargets.load, round)) {
        samples.load.push({ ...base, ...(await loadPhase(target, scenario, options, samples)) });
      }
    }
  }
  return samples;
}

async function latencyPhase(target: Target, scenario: Scenario, options: BenchOptions) {
  const pids = processTree(target.child.pid);
  const cpuBefore = cpuSeconds(pids);
  const result = await runLoad(target.child.origin, scenario, 1, options.seconds, true);
  const cpu = cpuSeconds(pids) - cpuBefore;
  const ms = result.latenciesMs;
  return {
    target: target.name,
    p50Ms: quantile(ms, 0.5),
    p99Ms: quantile(ms, 0.99),
    count: ms.length,
    cpuMsPerRequest: (cpu * 1000) / Math.max(1, result.completed),
  };
}

async function ttfbPhase(target: Target, scenario: Scenario, options: BenchOptions) {
  const result = await runTtfb(target.child.origin, scenario, options.seconds);
  return {
    target: target.name,
    ttfbP50Ms: quantile(result.ttfbMs, 0.5),
    ttfbP99Ms: quantile(result.ttfbMs, 0.99),
    count: result.ttfbMs.length,
    failures: result.failures,
  };
}

/** CPU and peak memory are read around the run from /proc, for the process and any cluster workers. */
async function loadPhase(target: Target, scenario: Scenario, options: BenchOptions, samples: Samples) {
  const pids = processTree(target.child.pid);
  if (!resetPeak(pids)) samples.peakResetWorked = false;
  const cpuBefore = cpuSeconds(pids);
  const result = await runLoad(target.child.origin, scenario, options.loadConnections, options.seconds);
  const cpu = cpuSeconds(pids) - cpuBefore;
  return {
    target: target.name,
    rps: result.completed / result.seconds,
    cpuMsPerRequest: (cpu * 1000) / Math.max(1, result.completed),
    peakRssBytes: peakRss(pids),
    completed: result.completed,
    failed: result.non2xx + result.errors,
  };
}
