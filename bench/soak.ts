/**
 * Soak: tens of thousands of mixed requests, some aborted, through the proxy in front of the simulator,
 * then the invariants that must hold after any amount of traffic. `npm run soak` (`-- --hostile` mixes
 * hostile inputs in, bench/soak-hostile.ts), with SOAK_REQUESTS (20000), SOAK_CONCURRENCY (32),
 * SOAK_ABORT_RATIO (0.1) and SOAK_SEED (1); prints the report as JSON and exits 1 when an invariant fails.
 */
import { pathToFileURL } from "node:url";
import { Agent } from "undici";
import { parseConfig } from "../src/config/config.js";
import { createLogger } from "../src/logging/logger.js";
import { type RunningServer, startServer } from "../src/server.js";
import { type Simulator, startSimulator } from "../src/simulator/simulator.js";
import { type HttpKind, hostileKinds, type Kind, type KindMaker, rawExchange } from "./soak-hostile.js";
import { checkInvariants, type SoakOptions, type SoakReport } from "./soak-invariants.js";
import { connections, memory, poisoned, settle, startUsageProbe, sum, total } from "./soak-measure.js";

export type { SoakOptions, SoakReport } from "./soak-invariants.js";

const message = [{ role: "user", content: "Soak test: say something." }];
const chat = { model: "gpt-4o-mini", messages: message };
const rateLimited = { "x-simulator-fault": "rate_limit" };
const json = { "content-type": "application/json", "x-simulator-tokens": "24" };
const post = (path: string, body: unknown, headers: Record<string, string> = {}): HttpKind => ({
  method: "POST",
  path,
  headers: { ...json, ...headers },
  body: JSON.stringify(body),
});
const always = (kind: Kind) => () => kind;
/** The mix, by weight: chat streamed and not, responses, embeddings, 429s and a pass-through. */
const normalKinds: readonly (readonly [number, KindMaker])[] = [
  [30, always(post("/v1/chat/completions", { ...chat, stream: true }))],
  [25, always(post("/v1/chat/completions", chat))],
  [8, always(post("/v1/responses", { model: "gpt-4o-mini", input: "Soak", stream: true }))],
  [7, always(post("/v1/responses", { model: "gpt-4o", input: "Soak" }))],
  [15, always(post("/v1/embeddings", { model: "text-embedding-3-small", input: "Soak" }))],
  [10, always(post("/v1/chat/completions", chat, rateLimited))],
  [5, always({ method: "GET", path: "/v1/models", headers: {}, body: undefined })],
];

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

function picker(hostile: boolean): (random: () => number, n: number) => Kind {
  const kinds = hostile ? [...normalKinds, ...hostileKinds] : normalKinds;
  const totalWeight = kinds.reduce((sum, [weight]) => sum + weight, 0);
  return (random, n) => {
    let at = random() * totalWeight;
    for (const [weight, make] of kinds) {
      at -= weight;
      if (at < 0) return make(n);
    }
    return normalKinds[0]?.[1](n) as Kind;
  };
}

/**
 * One request, its body read to the end. Some are aborted within 40 ms: an answer here takes 10-30 ms,
 * so aborts land before the request is sent, before the upstream answers, mid-stream and after the end.
 * Raw exchanges (what no HTTP client sends) are never aborted.
 */
async function one(origin: string, client: Agent, kind: Kind, abortAt: number | undefined): Promise<string> {
  if ("raw" in kind) return rawExchange(origin, kind.raw);
  const controller = new AbortController();
  const timer = abortAt === undefined ? undefined : setTimeout(() => controller.abort(), abortAt);
  const { method, path, headers, body } = kind;
  try {
    const res = await client.request({ method, path, headers, body, origin, signal: controller.signal });
    await res.body.arrayBuffer();
    return String(res.statusCode);
  } catch {
    return controller.signal.aborted ? "aborted" : "error";
  } finally {
    clearTimeout(timer);
  }
}

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
  const pick = picker(options.hostile);
  const seen: Record<string, number> = {};
  const warmup = Math.min(2000, Math.floor(options.requests / 10));
  let next = 0;
  let warm = { heap: 0, rss: 0 };
  let unparsable = 0;
  const streamErrors = { completed: 0, aborted: 0 };
  const started = performance.now();
  const stopProbe = startUsageProbe();
  const worker = async () => {
    while (next < options.requests) {
      const n = next++;
      if (n === warmup) warm = await memory();
      const kind = pick(random, n);
      if ("unparsable" in kind) unparsable += 1;
      const abortAt = random() < options.abortRatio ? random() * 40 : undefined;
      const outcome = await one(origin, client, kind, abortAt);
      seen[outcome] = (seen[outcome] ?? 0) + 1;
      if ("streamError" in kind && outcome === "200") streamErrors.completed += 1;
      if ("streamError" in kind && outcome === "aborted") streamErrors.aborted += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const usage = stopProbe();
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  return { seen, warm, usage, unparsable, streamErrors, seconds };
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
    poisonedCounters: poisoned(text),
    inFlight: await inFlight(),
    end: await memory(),
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
  const { seen, warm, usage, unparsable, streamErrors, seconds } = await drive(
    targets.proxy.url,
    client,
    options,
  );
  const { end, ...observed } = await observe(targets, client, options.concurrency);
  await targets.proxy.shutdown(0);
  await targets.simulator.close();
  const memoryMb = {
    heapWarm: warm.heap,
    heapEnd: end.heap,
    rssWarm: warm.rss,
    rssEnd: end.rss,
    rssPeak: usage.rssPeak,
  };
  const report = {
    options,
    seconds,
    received: targets.received(),
    refusedConnections: unparsable,
    seen,
    streamErrorRequests: streamErrors,
    ...observed,
    memoryMb,
    cpuSeconds: { user: usage.user, system: usage.system },
  };
  return { ...report, failures: checkInvariants(report) };
}

const envNumber = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  const report = await runSoak({
    requests: envNumber("SOAK_REQUESTS", 20_000),
    concurrency: envNumber("SOAK_CONCURRENCY", 32),
    abortRatio: envNumber("SOAK_ABORT_RATIO", 0.1),
    seed: envNumber("SOAK_SEED", 1),
    hostile: process.argv.includes("--hostile"),
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  for (const failure of report.failures) process.stderr.write(`soak: FAILED ${failure}\n`);
  process.exitCode = report.failures.length === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
