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
  /** `huge_event:BYTES` makes the first content piece BYTES long: one huge event in a stream. */
  readonly hugeEventBytes: number;
  /** `gzip` compresses the answer although the client asked for identity, as some gateways do. */
  readonly gzip: boolean;
  /** `error_event` ends a stream after a few events with an error event, as OpenAI does mid-stream. */
  readonly errorEvent: boolean;
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
  hugeEventBytes: 0,
  gzip: false,
  errorEvent: false,
});

export const faultHeader = "x-simulator-fault";

/** A test asks for a few MiB; the cap keeps a typo from asking the simulator for gigabytes. */
const maxHugeEventBytes = 64 * 1024 * 1024;

/** The number after `name:`, when it is a positive number; 0 otherwise. */
function positiveArgument(names: readonly string[], name: string): number {
  const found = names.find((entry) => entry.startsWith(`${name}:`));
  const value = found === undefined ? 0 : Number(found.slice(name.length + 1));
  return Number.isFinite(value) && value > 0 ? value : 0;
}

export function parseFaults(header: string | string[] | undefined): Faults {
  if (header === undefined) return noFaults;
  const names = (Array.isArray(header) ? header.join(",") : header).split(",").map((name) => name.trim());
  const usage = names.find((name) => name.startsWith("usage:"));
  return {
    rateLimit: names.includes("rate_limit"),
    insufficientQuota: names.includes("insufficient_quota"),
    serverError: names.includes("server_error"),
    stall: names.includes("stall"),
    drop: names.includes("drop"),
    noUsage: names.includes("no_usage"),
    usageTokens: usage === undefined ? undefined : Number(usage.slice("usage:".length)),
    slowHeadersMs: positiveArgument(names, "slow_headers"),
    hugeEventBytes: Math.min(Math.floor(positiveArgument(names, "huge_event")), maxHugeEventBytes),
    gzip: names.includes("gzip"),
    errorEvent: names.includes("error_event"),
  };
}
