import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname } from "node:path";
import { evaluate, type Figures } from "./checks.js";
import { compare } from "./comparisons.js";
import { describeMachine } from "./machine.js";
import { methodLines } from "./method.js";
import { timeMetrics } from "./metrics-timing.js";
import { type RunOptions, readOptions } from "./options.js";
import { runPaced } from "./paced.js";
import { type Child, startProxy, startSimulatorProcess } from "./processes.js";
import { markdown, type Report } from "./report.js";
import { runRounds, type Samples, warmUp } from "./rounds.js";
import { summarise } from "./summary.js";
import { startTargets, stopTargets } from "./targets.js";

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

async function measureRounds(simulator: Child, options: RunOptions): Promise<Samples> {
  const targets = await startTargets(simulator);
  try {
    log("warming up");
    await warmUp(targets, options);
    return await runRounds(targets, options, log);
  } finally {
    await stopTargets(targets);
  }
}

async function measureMetrics(upstream: string, options: RunOptions, workers: "1" | "auto") {
  log(`timing GET /metrics with ${options.metricsModels} models, WORKERS=${workers}`);
  const proxy = await startProxy({
    upstream,
    logLevel: "info",
    workers,
    maxModelLabels: options.metricsModels,
  });
  try {
    return await timeMetrics(proxy.origin, options.metricsModels, options.metricsScrapes);
  } finally {
    await proxy.stop();
  }
}

async function measure(options: RunOptions): Promise<Report> {
  const machine = describeMachine();
  const simulator = await startSimulatorProcess();
  try {
    const samples = await measureRounds(simulator, options);
    const single = await measureMetrics(simulator.origin, options, "1");
    const cluster = await measureMetrics(simulator.origin, options, "auto");
    const paced = await runPaced(options.paced, log);
    const figures: Figures = {
      "non-stream": summarise(samples, "non-stream"),
      "stream-20": summarise(samples, "stream-20"),
    };
    return {
      command: options.command,
      date: new Date().toISOString().slice(0, 10),
      machine,
      options: {
        seconds: options.seconds,
        rounds: options.rounds,
        connections: options.loadConnections,
        autoWorkers: cpus().length,
        paced: options.paced,
      },
      method: methodLines(options, cpus().length, samples.peakResetWorked),
      figures,
      metricsEndpoint: { single, cluster },
      paced,
      checks: evaluate(figures, samples, single, paced),
      comparisons: compare(samples.load),
      samples,
    };
  } finally {
    await simulator.stop();
  }
}

function write(report: Report, options: RunOptions): void {
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(`${options.out}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${options.out}.md`, markdown(report));
}

const options = readOptions(process.argv.slice(2));
log(`${options.rounds} round(s) × ${options.seconds} s per phase${options.quick ? " (quick)" : ""}`);
const report = await measure(options);
write(report, options);
process.stdout.write(`\n${markdown(report)}\n`);
log(`wrote ${options.out}.json and ${options.out}.md`);
const failed =
  Object.values(report.figures).some((f) => Object.values(f).some((t) => (t.failedRequests ?? 0) > 0)) ||
  report.paced.some((s) => s.chunks === 0);
// Unmet targets are results; failed requests mean the benchmark itself is broken.
process.exit(failed ? 1 : 0);
