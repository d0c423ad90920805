/**
 * Soak: tens of thousands of mixed requests, some aborted, through the proxy in front of the simulator,
 * then the invariants that must hold after any amount of traffic. `npx tsx bench/soak.ts`, with
 * SOAK_REQUESTS (20000), SOAK_CONCURRENCY (32), SOAK_ABORT_RATIO (0.1) and SOAK_SEED (1); prints the
 * report as JSON and exits 1 when an invariant fails.
 */
import type { Server } from "node:http";
import { pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Agent } from "undici";
import { parseConfig } from "../src/config/config.js";
import { createLogger } from "../src/logging/logger.js";
import { type RunningServer, startServer } from "../src/server.js";
import { type Simulator, startSimulator } from "../src/simulator/simulator.js";

export interface SoakOptions {
  readonly requests: number;
  readonly concurrency: number;
  /** Share of requests the client aborts at a random moment. */
  readonly abortRatio: number;
  readonly seed: number;
}

export interface SoakReport {
  readonly options: SoakOptions;
  readonly seconds: number;
  /** Requests whose headers reached the proxy: a request aborted before it was sent never does. */
  readonly received: number;
  /** What the client saw: a status, "aborted" (it gave up) or "error" (the connection failed). */
  readonly seen: Record<string, number>;
  /** llm_requests_total summed by code, and llm_errors_total by type. */
  readonly counted: Record<string, number>;
  readonly errors: Record<string, number>;
  readonly inFlight: number;
  readonly memoryMb: { heapWarm: number; heapEnd: number; rssWarm: number; rssEnd: number };
  readonly sockets: { upstreamOpen: number; proxyConnections: number; proxyConnectionsAfterClose: number };
  readonly failures: string[];
}

/** Heap may grow this much past warm-up (pools, JIT code, histogram buckets); a leak grows with load. */
const heapToleranceMb = 16;
const rssToleranceMb = 96;

const message = [{ role: "user", content: "Soak test: say something." }];
const chat = { model: "gpt-4o-mini", messages: message };
const rateLimited = { "x-simulator-fault": "rate_limit" };
const json = { "content-type": "application/json", "x-simulator-tokens": "24" };
const post = (path: string, body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST" as const,
  path,
  headers: { ...json, ...headers },
  body: JSON.stringify(body),
});
/** The mix, by weight: chat streamed and not, responses, embeddings, 429s and a pass-through. */
const kinds = [
  [30, post("/v1/chat/completions", { ...chat, stream: true })],
  [25, post("/v1/chat/completions", chat)],
  [8, post("/v1/responses", { model: "gpt-4o-mini", input: "Soak", stream: true })],
  [7, post("/v1/responses", { model: "gpt-4o", input: "Soak" })],
  [15, post("/v1/embeddings", { model: "text-embedding-3-small", input: "Soak" })],
  [10, post("/v1/chat/completions", chat, rateLimited)],
  [5, { method: "GET" as const, path: "/v1/models", headers: {}, body: undefined }],
] as const;
const totalWeight = kinds.reduce((sum, [weight]) => sum + weight, 0);

/** mulberry32: the same seed drives the same mix and abort moments. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(random: () => number) {
  let at = random() * totalWeight;
  for (const [weight, kind] of kinds) {
    at -= weight;
    if (at < 0) return kind;
  }
  return kinds[0][1];
}

/**
 * One request, its body read to the end. Some are aborted within 40 ms: an answer here takes 10-30 ms,
 * so aborts land before the request is sent, before the upstream answers, mid-stream and after the end.
 */
async function one(origin: string, client: Agent, random: () => number, abortRatio: number): Promise<string> {
  const kind = pick(random);
  const controller = new AbortController();
  const timer = random() < abortRatio ? setTimeout(() => controller.abort(), random() * 40) : undefined;
  try {
    const res = await client.request({ ...kind, origin, signal: controller.signal });
    await res.body.arrayBuffer();
    return String(res.statusCode);
  } catch {
    return controller.signal.aborted ? "aborted" : "error";
  } finally {
    clearTimeout(timer);
  }
}

const sum = (text: string, name: string, label: string): Record<string, number> => {
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
function memory(): { heap: number; rss: number } {
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: megabytes(heapUsed), rss: megabytes(rss) };
}

const connections = (server: Server) =>
  new Promise<number>((resolve) => server.getConnections((_err, count) => resolve(count)));

async function settle(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

interface Targets {
  readonly simulator: Simulator;
  readonly proxy: RunningServer;
  readonly received: () => number;
}

/** The simulator and the proxy in this process, the proxy counting the requests that reach it. */
async function startTargets(): Promise<Targets> {
  const simulator = await startSimulator({ ttftMs: 5, tokensPerSecond: 2000 });
  const config = parseConfig({ APP_PORT: "0", OPENAI_BASE_URL: simulator.url, LOG_LEVEL: "silent" });
  const proxy = await startServer(config, { logger: createLogger("silent") });
  let received = 0;
  proxy.server.on("request", () => {
    received += 1;
  });
  return { simulator, proxy, received: () => received };
}

/** `concurrency` clients send `requests` between them; memory is read once the warm-up is done. */
async function drive(origin: string, client: Agent, options: SoakOptions) {
  const random = seeded(options.seed);
  const seen: Record<string, number> = {};
  const warmup = Math.min(2000, Math.floor(options.requests / 10));
  let next = 0;
  let warm = { heap: 0, rss: 0 };
  const started = performance.now();
  const worker = async () => {
    while (next < options.requests) {
      if (next++ === warmup) warm = memory();
      const outcome = await one(origin, client, random, options.abortRatio);
      seen[outcome] = (seen[outcome] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { seen, warm, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

/** Waits for the aborted requests to wind down, then reads the metrics, sockets and memory. */
async function observe({ simulator, proxy }: Targets, client: Agent, concurrency: number) {
  const metricsText = () => proxy.metrics.registry.metrics();
  const inFlight = async () => total(sum(await metricsText(), "llm_requests_in_flight", "endpoint"));
  await settle(async () => (await inFlight()) === 0);
  await settle(() => simulator.stats.openSockets <= concurrency);
  const text = await metricsText();
  const proxyConnections = await connections(proxy.server);
  await client.close();
  await settle(async () => (await connections(proxy.server)) === 0);
  return {
    counted: sum(text, "llm_requests_total", "code"),
    errors: sum(text, "llm_errors_total", "type"),
    inFlight: await inFlight(),
    end: memory(),
    sockets: {
      upstreamOpen: simulator.stats.openSockets,
      proxyConnections,
      proxyConnectionsAfterClose: await connections(proxy.server),
    },
  };
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const targets = await startTargets();
  const client = new Agent({ connections: options.concurrency });
  const { seen, warm, seconds } = await drive(targets.proxy.url, client, options);
  const { end, ...observed } = await observe(targets, client, options.concurrency);
  await targets.proxy.shutdown(0);
  await targets.simulator.close();
  const memoryMb = { heapWarm: warm.heap, heapEnd: end.heap, rssWarm: warm.rss, rssEnd: end.rss };
  const report = { options, seconds, received: targets.received(), seen, ...observed, memoryMb };
  return { ...report, failures: checkInvariants(report) };
}

/** Every request counted exactly once and by what the client saw; nothing left open or growing. */
export function checkInvariants(r: Omit<SoakReport, "failures">): string[] {
  const failures: string[] = [];
  const fail = (ok: boolean, text: string) => ok || failures.push(text);
  const aborted = r.seen.aborted ?? 0;
  const total = Object.values(r.counted).reduce((a, b) => a + b, 0);
  fail(
    total === r.received,
    `llm_requests_total sums to ${total}, but ${r.received} requests reached the proxy`,
  );
  const { requests } = r.options;
  fail(
    r.received <= requests && r.received >= requests - aborted,
    `${r.received} of ${requests} reached the proxy`,
  );
  fail(
    (r.counted["499"] ?? 0) <= aborted,
    `${r.counted["499"]} counted 499 but the client aborted ${aborted}`,
  );
  for (const [code, count] of Object.entries(r.seen)) {
    if (code === "aborted" || code === "error") continue;
    const counted = r.counted[code] ?? 0;
    fail(
      counted >= count && counted <= count + aborted,
      `code ${code}: client saw ${count}, counted ${counted}`,
    );
  }
  fail(r.seen.error === undefined, `${r.seen.error} requests failed at the connection`);
  const unexpected = Object.keys(r.errors).filter((type) => type !== "rate_limit");
  fail(unexpected.length === 0, `unexpected llm_errors_total types: ${unexpected.join(", ")}`);
  fail((r.errors.rate_limit ?? 0) === (r.counted["429"] ?? 0), "rate_limit errors differ from 429s counted");
  fail(r.inFlight === 0, `llm_requests_in_flight is ${r.inFlight}, not 0`);
  const { heapWarm, heapEnd, rssWarm, rssEnd } = r.memoryMb;
  fail(heapEnd - heapWarm <= heapToleranceMb, `heap grew ${heapEnd - heapWarm} MB (> ${heapToleranceMb})`);
  fail(rssEnd - rssWarm <= rssToleranceMb, `RSS grew ${rssEnd - rssWarm} MB (> ${rssToleranceMb})`);
  const { upstreamOpen, proxyConnections, proxyConnectionsAfterClose } = r.sockets;
  const pool = r.options.concurrency;
  fail(upstreamOpen <= pool, `${upstreamOpen} upstream sockets open, more than the ${pool} ever in use`);
  fail(
    proxyConnections <= pool,
    `${proxyConnections} client connections open, more than the ${pool} clients`,
  );
  fail(
    proxyConnectionsAfterClose === 0,
    `${proxyConnectionsAfterClose} connections left after the clients closed`,
  );
  return failures;
}

const envNumber = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  const report = await runSoak({
    requests: envNumber("SOAK_REQUESTS", 20_000),
    concurrency: envNumber("SOAK_CONCURRENCY", 32),
    abortRatio: envNumber("SOAK_ABORT_RATIO", 0.1),
    seed: envNumber("SOAK_SEED", 1),
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  for (const failure of report.failures) process.stderr.write(`soak: FAILED ${failure}\n`);
  process.exitCode = report.failures.length === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
