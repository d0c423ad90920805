import cluster, { type Worker } from "node:cluster";
import type { Config } from "../config/config.js";
import type { Logger } from "../logging/logger.js";
import { answerWorkerAsks } from "./metrics-ipc.js";

/** Past the workers' own grace period, a worker that still has not exited is killed. */
const killMarginMs = 10_000;

export const isClusterPrimary = (config: Pick<Config, "workers">): boolean =>
  config.workers > 1 && cluster.isPrimary;

interface ClusterState {
  stopping: boolean;
  failed: boolean;
  readonly live: Set<Worker>;
  readonly listened: WeakSet<Worker>;
}

/**
 * The primary forks `config.workers` copies of this entry point, which share the port through
 * node:cluster; it serves nothing itself, only aggregates metrics and supervises.
 */
export function runCluster(config: Config, logger: Logger): void {
  const state: ClusterState = { stopping: false, failed: false, live: new Set(), listened: new WeakSet() };
  answerWorkerAsks();
  cluster.on("listening", (worker) => state.listened.add(worker));
  cluster.on("exit", (worker, code, signal) => onWorkerExit(state, config, logger, worker, code, signal));
  for (let i = 0; i < config.workers; i++) fork(state);
  logger.info({ workers: config.workers, pid: process.pid }, "cluster primary started");
  const stop = (signal: string) => stopCluster(state, config, logger, signal);
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

function onWorkerExit(
  state: ClusterState,
  config: Config,
  logger: Logger,
  worker: Worker,
  code: number | null,
  signal: string | null,
): void {
  const pid = worker.process.pid;
  state.live.delete(worker);
  if (state.stopping) {
    if (code !== 0) state.failed = true;
    if (state.live.size === 0) exitPrimary(state, logger);
    return;
  }
  // A worker that never listened will fail again (port taken, bad file): restarting would only loop.
  if (!state.listened.has(worker)) {
    logger.error({ pid, code, signal }, "worker failed before listening; stopping the cluster");
    state.failed = true;
    stopCluster(state, config, logger, "worker-start-failure");
    return;
  }
  logger.error({ pid, code, signal }, "worker died unexpectedly; starting a replacement");
  fork(state);
}

function fork(state: ClusterState): void {
  state.live.add(cluster.fork());
}

/** Each worker drains its own in-flight requests (SHUTDOWN_GRACE_SECONDS) and exits. */
function stopCluster(state: ClusterState, config: Config, logger: Logger, signal: string): void {
  if (state.stopping) return;
  state.stopping = true;
  logger.info({ signal, workers: state.live.size }, "stopping workers");
  if (state.live.size === 0) {
    exitPrimary(state, logger);
    return;
  }
  for (const worker of state.live) worker.process.kill("SIGTERM");
  setTimeout(() => {
    logger.error("workers did not exit within the grace period; killing them");
    state.failed = true;
    for (const worker of state.live) worker.process.kill("SIGKILL");
  }, config.shutdownGraceMs + killMarginMs).unref();
}

function exitPrimary(state: ClusterState, logger: Logger): void {
  logger.info({ failed: state.failed }, "all workers exited");
  process.exit(state.failed ? 1 : 0);
}
