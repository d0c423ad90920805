const windowMs = 60_000;
const bucketCount = 60;
const bucketMs = windowMs / bucketCount;

/** What one model's x-ratelimit-* headers are computed from. */
export interface RateSnapshot {
  readonly limitRequests: number;
  readonly limitTokens: number;
  readonly usedRequests: number;
  readonly usedTokens: number;
}

/** One-second buckets over the last minute: constant memory whatever the request rate. */
class SlidingWindow {
  private readonly stamps = new Float64Array(bucketCount).fill(-1);
  private readonly requests = new Float64Array(bucketCount);
  private readonly tokens = new Float64Array(bucketCount);

  add(nowMs: number, tokens: number): void {
    const slot = Math.floor(nowMs / bucketMs);
    const index = slot % bucketCount;
    if (this.stamps[index] !== slot) {
      this.stamps[index] = slot;
      this.requests[index] = 0;
      this.tokens[index] = 0;
    }
    this.requests[index] = (this.requests[index] ?? 0) + 1;
    this.tokens[index] = (this.tokens[index] ?? 0) + tokens;
  }

  used(nowMs: number): { requests: number; tokens: number } {
    const oldest = Math.floor(nowMs / bucketMs) - bucketCount;
    let requests = 0;
    let tokens = 0;
    for (let i = 0; i < bucketCount; i++) {
      if ((this.stamps[i] ?? -1) <= oldest) continue;
      requests += this.requests[i] ?? 0;
      tokens += this.tokens[i] ?? 0;
    }
    return { requests, tokens };
  }
}

/** Distinct models with a window of their own; any later one shares the last window. */
const maxWindows = 1000;
const keyLength = 64;
const sharedKey = "";

/**
 * Per-model request and token windows, like an OpenAI organisation's limits. Keys are bounded like a
 * real server's would be: cut to 64 characters and copied (a V8 slice keeps its whole parent alive),
 * and at most 1000 of them, so a client sending ever new huge model names grows nothing here.
 */
export class RateLimiter {
  private readonly windows = new Map<string, SlidingWindow>();

  record(model: string, tokens: number, nowMs: number): RateSnapshot {
    const key = this.keyOf(model);
    let window = this.windows.get(key);
    if (window === undefined) {
      window = new SlidingWindow();
      this.windows.set(key, window);
    }
    window.add(nowMs, tokens);
    return this.snapshot(model, window, nowMs);
  }

  peek(model: string, nowMs: number): RateSnapshot {
    return this.snapshot(model, this.windows.get(this.keyOf(model)), nowMs);
  }

  private keyOf(model: string): string {
    const cut =
      model.length <= keyLength
        ? model
        : Buffer.from(model.slice(0, keyLength), "utf16le").toString("utf16le");
    return this.windows.has(cut) || this.windows.size < maxWindows - 1 ? cut : sharedKey;
  }

  private snapshot(model: string, window: SlidingWindow | undefined, nowMs: number): RateSnapshot {
    const used = window?.used(nowMs) ?? { requests: 0, tokens: 0 };
    // Embedding models get the larger limits OpenAI grants them.
    const embedding = model.startsWith("text-embedding");
    return {
      limitRequests: embedding ? 5_000 : 10_000,
      limitTokens: embedding ? 5_000_000 : 200_000,
      usedRequests: used.requests,
      usedTokens: used.tokens,
    };
  }
}

/** OpenAI's reset values are the time until the limit would be whole again at a steady refill. */
export function rateLimitHeaders(snapshot: RateSnapshot): Record<string, string> {
  const { limitRequests, limitTokens, usedRequests, usedTokens } = snapshot;
  return {
    "x-ratelimit-limit-requests": String(limitRequests),
    "x-ratelimit-limit-tokens": String(limitTokens),
    "x-ratelimit-remaining-requests": String(Math.max(0, limitRequests - usedRequests)),
    "x-ratelimit-remaining-tokens": String(Math.max(0, limitTokens - usedTokens)),
    "x-ratelimit-reset-requests": formatResetDuration((usedRequests / limitRequests) * windowMs),
    "x-ratelimit-reset-tokens": formatResetDuration((usedTokens / limitTokens) * windowMs),
  };
}

/** Formats like OpenAI: "0s", "6ms", "8.64s", "1m3.57s", "1h2m3s". */
export function formatResetDuration(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  if (rounded === 0) return "0s";
  if (rounded < 1000) return `${rounded}ms`;
  const hours = Math.floor(rounded / 3_600_000);
  const minutes = Math.floor((rounded % 3_600_000) / 60_000);
  const seconds = (rounded % 60_000) / 1000;
  let out = hours > 0 ? `${hours}h` : "";
  if (minutes > 0) out += `${minutes}m`;
  if (seconds > 0) out += `${Number(seconds.toFixed(3))}s`;
  return out;
}
