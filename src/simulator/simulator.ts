import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimulatorContext, SimulatorStats } from "./context.js";
import { RateLimiter } from "./rate-limits.js";
import { handleRequest } from "./router.js";

export interface SimulatorOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Delay before the first streamed chunk or before a non-streamed answer (±20% jitter); default 0. */
  ttftMs?: number;
  /** Pacing between streamed tokens; 0 or undefined streams as fast as possible. */
  tokensPerSecond?: number;
  /** Probability in [0, 1] of answering 429 spontaneously; default 0. */
  rateLimitRatio?: number;
  /** Clock in ms for `created` fields and rate-limit windows; default Date.now. */
  now?: () => number;
  /** Default Math.random; only spontaneous 429s and latency jitter use it. */
  random?: () => number;
}

export interface Simulator {
  /** Base URL including /v1, e.g. "http://127.0.0.1:PORT/v1". */
  readonly url: string;
  readonly stats: SimulatorStats;
  close(): Promise<void>;
}

function contextFrom(options: SimulatorOptions): SimulatorContext {
  return {
    ttftMs: Math.max(0, options.ttftMs ?? 0),
    tokensPerSecond: Math.max(0, options.tokensPerSecond ?? 0),
    rateLimitRatio: Math.min(1, Math.max(0, options.rateLimitRatio ?? 0)),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    stats: { requests: 0, openSockets: 0, clientAborts: 0 },
    rateLimiter: new RateLimiter(),
    closing: false,
  };
}

function urlOf(address: AddressInfo): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}/v1`;
}

/** Starts an OpenAI-compatible upstream that answers deterministically from the request body. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const context = contextFrom(options);
  const { stats } = context;
  const server = createServer((req, res) => {
    void handleRequest(context, req, res);
  });
  server.on("connection", (socket) => {
    stats.openSockets += 1;
    socket.on("close", () => {
      stats.openSockets -= 1;
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const url = urlOf(server.address() as AddressInfo);
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      context.closing = true;
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, stats, close };
}
