import type { Exchange } from "./exchange.js";
import { insufficientQuota, rateLimitExceeded, sendError, serverError } from "./openai-errors.js";
import { rateLimitHeaders } from "./rate-limits.js";

const retryAfterSeconds = 20;

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
