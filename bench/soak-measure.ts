/** What the soak reads off the proxy and this process: metric sums, memory, CPU, open connections. */
import type { Server } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export const sum = (text: string, name: string, label: string): Record<string, number> => {
  const out: Record<string, number> = {};
  const pattern = new RegExp(`^${name}\\{[^}]*${label}="([^"]*)"[^}]*\\} (\\S+)$`, "gm");
  for (const [, key = "", value] of text.matchAll(pattern)) out[key] = (out[key] ?? 0) + Number(value);
  return out;
};

// Heap figures are compared after a full collection; this exposes gc() without a node flag, see
// https://nodejs.org/api/v8.html#v8setflagsfromstringflags
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const megabytes = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
/** How long V8's background unmapper takes to hand freed pages back; measured below. */
const releaseMs = 500;

/**
 * Heap and RSS after a full collection, read once V8 has returned the freed pages to the system: it
 * does that on a background thread, so an RSS read right after gc() still counts tens of MB already
 * freed (after multi-MiB events, ~210 MB right after gc() and ~140 MB half a second later, heap flat).
 */
export async function memory(): Promise<{ heap: number; rss: number }> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, releaseMs));
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: megabytes(heapUsed), rss: megabytes(rss) };
}

export const connections = (server: Server) =>
  new Promise<number>((resolve) => server.getConnections((_err, count) => resolve(count)));

export async function settle(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

export const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Peak RSS sampled every 100 ms, and this process's CPU, while the traffic runs. */
export function startUsageProbe() {
  const cpu = process.cpuUsage();
  let rssPeak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 100);
  return () => {
    clearInterval(timer);
    const { user, system } = process.cpuUsage(cpu);
    const seconds = (micros: number) => Math.round(micros / 1e5) / 10;
    return {
      rssPeak: megabytes(Math.max(rssPeak, process.memoryUsage().rss)),
      user: seconds(user),
      system: seconds(system),
    };
  };
}

/** Token and cost series that are NaN, infinite or negative (a poisoned counter never recovers). */
export const poisoned = (text: string): number =>
  [...text.matchAll(/^llm_(?:tokens_total|cost_usd_total)\{[^}]*\} (\S+)$/gm)].filter(([, value]) => {
    const number = Number(value);
    return !(Number.isFinite(number) && number >= 0);
  }).length;
