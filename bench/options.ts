import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PacedOptions } from "./paced.js";
import { repoRoot } from "./processes.js";
import type { BenchOptions } from "./rounds.js";

export interface RunOptions extends BenchOptions {
  readonly quick: boolean;
  readonly paced: PacedOptions;
  readonly metricsModels: number;
  readonly metricsScrapes: number;
  /** Results path without extension; .json and .md are written. */
  readonly out: string;
  readonly command: string;
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/**
 * BENCH_DURATION (s per phase, default 5) and BENCH_ROUNDS (default 3); `--quick` is a short smoke run
 * whose figures are too noisy to publish, so it writes to the temporary directory, not bench/results.
 * The paced scenario runs once per count, with its own window (10 s, 1 s when quick).
 */
export function readOptions(argv: readonly string[]): RunOptions {
  const quick = argv.includes("--quick");
  const seconds = positive("BENCH_DURATION", quick ? 1 : 5);
  const rounds = Math.round(positive("BENCH_ROUNDS", quick ? 1 : 3));
  const env = [
    process.env.BENCH_DURATION ? `BENCH_DURATION=${seconds}` : "",
    process.env.BENCH_ROUNDS ? `BENCH_ROUNDS=${rounds}` : "",
  ].filter((s) => s !== "");
  return {
    quick,
    seconds,
    rounds,
    warmupSeconds: quick ? 0.5 : 1,
    loadConnections: 32,
    // The quick run only shows that the scenario works: few streams, a short window.
    paced: {
      counts: quick ? [10, 100] : [10, 100, 1000, 5000],
      perSecond: 2000,
      windowSeconds: quick ? 2 : 10,
    },
    metricsModels: 100,
    metricsScrapes: 50,
    out: quick ? join(tmpdir(), "llm-proxy-bench-quick") : join(repoRoot, "bench/results/latest"),
    command: [...env, "npm run bench", ...(quick ? ["--", "--quick"] : [])].join(" "),
  };
}
