import { openPacedClients } from "./paced-clients.js";
import { startPacedUpstream } from "./paced-upstream.js";
import { cpuSeconds, currentRss } from "./proc-stats.js";
import { type Child, startBare, startProxy } from "./processes.js";
import { quantile } from "./stats.js";

export interface PacedOptions {
  /** How many streams are open at once, one phase per count. */
  readonly counts: readonly number[];
  /** Content chunks per second across all open streams. */
  readonly perSecond: number;
  readonly windowSeconds: number;
}

export type PacedTarget = "bare" | "proxy";

export interface PacedSample {
  readonly streams: number;
  readonly target: PacedTarget;
  readonly chunks: number;
  /** Resident memory with the streams open, over the same process idle, per stream. */
  readonly rssPerStreamKiB: number;
  readonly cpuUsPerChunk: number;
  readonly clientGapP99Ms: number;
  readonly upstreamGapP99Ms: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startTarget(target: PacedTarget, upstream: string, streams: number): Promise<Child> {
  // Every open stream needs its own upstream connection, in the floor as in the proxy.
  const connections = streams + 64;
  if (target === "bare") return startBare(upstream, [], connections);
  const env = { UPSTREAM_CONNECTIONS: String(connections) };
  return startProxy({ upstream, logLevel: "info", workers: "1", env });
}

/** A few streams through the target first, so that its code is compiled before the idle RSS is read. */
async function warmUp(origin: string, upstream: Awaited<ReturnType<typeof startPacedUpstream>>) {
  const clients = await openPacedClients(origin, 20);
  upstream.start(1000);
  await sleep(1000);
  upstream.endAll();
  await clients.finished();
  upstream.take();
}

async function phase(target: PacedTarget, streams: number, options: PacedOptions): Promise<PacedSample> {
  const upstream = await startPacedUpstream();
  const child = await startTarget(target, upstream.origin, streams);
  try {
    await warmUp(child.origin, upstream);
    await sleep(500);
    const idleRss = currentRss([child.pid]);
    const clients = await openPacedClients(child.origin, streams);
    upstream.start(options.perSecond);
    // Every stream has had a content chunk before the window opens, so each gap in it is a whole one.
    await sleep((streams / options.perSecond) * 1000 + 500);
    upstream.take();
    clients.takeGaps();
    const cpuBefore = cpuSeconds([child.pid]);
    await sleep(options.windowSeconds * 1000);
    const cpu = cpuSeconds([child.pid]) - cpuBefore;
    const sent = upstream.take();
    const seen = clients.takeGaps();
    const rss = currentRss([child.pid]);
    upstream.endAll();
    await clients.finished();
    return {
      streams,
      target,
      chunks: sent.chunks,
      rssPerStreamKiB: (rss - idleRss) / 1024 / streams,
      cpuUsPerChunk: (cpu * 1e6) / Math.max(1, sent.chunks),
      clientGapP99Ms: quantile(seen, 0.99),
      upstreamGapP99Ms: quantile(sent.gapsMs, 0.99),
    };
  } finally {
    await child.stop();
    await upstream.close();
  }
}

/**
 * Thousands of open streams at a fixed total chunk rate, through the proxy and through the bare
 * pass-through in turn (the order alternating per count), each phase with fresh processes.
 */
export async function runPaced(options: PacedOptions, log: (line: string) => void): Promise<PacedSample[]> {
  const samples: PacedSample[] = [];
  for (const [index, streams] of options.counts.entries()) {
    const order: PacedTarget[] = index % 2 === 0 ? ["bare", "proxy"] : ["proxy", "bare"];
    for (const target of order) {
      log(`paced: ${streams} streams through ${target}`);
      samples.push(await phase(target, streams, options));
    }
  }
  return samples;
}
