import type { Exchange } from "./exchange.js";
import { insufficientQuota, rateLimitExceeded, sendError, serverError } from "./openai-errors.js";
import { rateLimitHeaders } from "./rate-limits.js";

/** Failure modes a test asks for with `x-simulator-fault` (comma-separated to combine them). */
export interface Faults {
  readonly rateLimit: boolean;
  readonly insufficientQuota: boolean;
  readonly serverError: boolean;
  readonly stall: boolean;
  readonly drop: boolean;
  readonly noUsage: boolean;
  readonly slowHeadersMs: number;
}

export const noFaults: Faults = Object.freeze({
  rateLimit: false,
  insufficientQuota: false,
  serverError: false,
  stall: false,
  drop: false,
  noUsage: false,
  slowHeadersMs: 0,
});

export const faultHeader = "x-simulator-fault";
const retryAfterSeconds = 20;

export function parseFaults(header: string | string[] | undefined): Faults {
  if (header === undefined) return noFaults;
  const names = (Array.isArray(header) ? header.join(",") : header).split(",").map((name) => name.trim());
  const slow = names.find((name) => name.startsWith("slow_headers:"));
  const slowMs = slow === undefined ? 0 : Number(slow.slice("slow_headers:".length));
  return {
    rateLimit: names.includes("rate_limit"),
    insufficientQuota: names.includes("insufficient_quota"),
    serverError: names.includes("server_error"),
    stall: names.includes("stall"),
    drop: names.includes("drop"),
    noUsage: names.includes("no_usage"),
    slowHeadersMs: Number.isFinite(slowMs) && slowMs > 0 ? slowMs : 0,
  };
}

/**
 * Runs the faults that replace or delay the whole answer. Returns true when the request has been
 * answered (or the client left) and the endpoint must not run.
 */
export async function applyFaults(ex: Exchange, model: string): Promise<boolean> {
  const { faults, context } = ex;
  if (!(await ex.sleep(faults.slowHeadersMs))) return true;
  if (faults.rateLimit || (context.rateLimitRatio > 0 && context.random() < context.rateLimitRatio)) {
    sendRateLimited(ex, model);
    return true;
  }
  if (faults.insufficientQuota) {
    sendError(ex, 429, insufficientQuota());
    return true;
  }
  if (faults.serverError) {
    sendError(ex, 500, serverError());
    return true;
  }
  return false;
}

function sendRateLimited(ex: Exchange, model: string): void {
  const snapshot = ex.context.rateLimiter.peek(model, ex.context.now());
  const limits = rateLimitHeaders({ ...snapshot, usedRequests: snapshot.limitRequests });
  const headers = {
    "retry-after": String(retryAfterSeconds),
    ...limits,
    "x-ratelimit-reset-requests": `${retryAfterSeconds}s`,
  };
  sendError(ex, 429, rateLimitExceeded(model, snapshot.limitRequests, retryAfterSeconds), headers);
}
