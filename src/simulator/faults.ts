/** Failure modes a test asks for with `x-simulator-fault` (comma-separated to combine them). */
export interface Faults {
  readonly rateLimit: boolean;
  readonly insufficientQuota: boolean;
  readonly serverError: boolean;
  readonly stall: boolean;
  readonly drop: boolean;
  readonly noUsage: boolean;
  /** `usage:N` reports N prompt and N completion tokens, as a broken upstream might (1e308, -3, 1.5). */
  readonly usageTokens: number | undefined;
  readonly slowHeadersMs: number;
}

export const noFaults: Faults = Object.freeze({
  rateLimit: false,
  insufficientQuota: false,
  serverError: false,
  stall: false,
  drop: false,
  noUsage: false,
  usageTokens: undefined,
  slowHeadersMs: 0,
});

export const faultHeader = "x-simulator-fault";

export function parseFaults(header: string | string[] | undefined): Faults {
  if (header === undefined) return noFaults;
  const names = (Array.isArray(header) ? header.join(",") : header).split(",").map((name) => name.trim());
  const slow = names.find((name) => name.startsWith("slow_headers:"));
  const slowMs = slow === undefined ? 0 : Number(slow.slice("slow_headers:".length));
  const usage = names.find((name) => name.startsWith("usage:"));
  return {
    rateLimit: names.includes("rate_limit"),
    insufficientQuota: names.includes("insufficient_quota"),
    serverError: names.includes("server_error"),
    stall: names.includes("stall"),
    drop: names.includes("drop"),
    noUsage: names.includes("no_usage"),
    usageTokens: usage === undefined ? undefined : Number(usage.slice("usage:".length)),
    slowHeadersMs: Number.isFinite(slowMs) && slowMs > 0 ? slowMs : 0,
  };
}
