import type { RateLimiter } from "./rate-limits.js";

/** What the simulator saw, for tests to read: requests, sockets, clients that left, the last request. */
export interface SimulatorStats {
  requests: number;
  openSockets: number;
  clientAborts: number;
  lastAbortAt?: number;
  /** The last request's path and query as it arrived. */
  lastRequestUrl?: string;
  lastRequestHeaders?: Record<string, string | string[] | undefined>;
  lastRequestBody?: string;
}

/** What every request handler shares: resolved options, counters and the rate-limit windows. */
export interface SimulatorContext {
  readonly ttftMs: number;
  readonly tokensPerSecond: number;
  readonly rateLimitRatio: number;
  readonly now: () => number;
  readonly random: () => number;
  readonly stats: SimulatorStats;
  readonly rateLimiter: RateLimiter;
  closing: boolean;
}
