export type RateLimitHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface RateLimits {
  readonly requestsLimit: number | undefined;
  readonly requestsRemaining: number | undefined;
  readonly tokensLimit: number | undefined;
  readonly tokensRemaining: number | undefined;
}

function readCount(headers: RateLimitHeaders, name: string): number | undefined {
  const raw = headers[name];
  if (typeof raw !== "string" || raw === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * OpenAI's rate-limit headers (https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers);
 * recorders and some gateways put placeholders in them, so anything not a count is ignored.
 */
export function readRateLimits(headers: RateLimitHeaders): RateLimits {
  return {
    requestsLimit: readCount(headers, "x-ratelimit-limit-requests"),
    requestsRemaining: readCount(headers, "x-ratelimit-remaining-requests"),
    tokensLimit: readCount(headers, "x-ratelimit-limit-tokens"),
    tokensRemaining: readCount(headers, "x-ratelimit-remaining-tokens"),
  };
}
