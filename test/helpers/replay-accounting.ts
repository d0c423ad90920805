import { expect } from "vitest";
import { loadTranscript, responseBytes } from "./fixtures.js";
import { deltas, parseMetrics, seriesKey, seriesValue } from "./metrics.js";
import { type ReplayStack, sendThroughProxy } from "./replay-upstream.js";
import type { Stack } from "./stack.js";

/** What one request must add to the metrics, written out by hand per fixture. */
export interface Accounting {
  readonly model: string;
  readonly endpoint: "chat_completions" | "completions" | "responses" | "embeddings";
  readonly stream: boolean;
  readonly status?: number;
  readonly prompt?: number;
  readonly completion?: number;
  readonly cached?: number;
  readonly reasoning?: number;
  /** USD; compared to 1e-12. */
  readonly cost?: number;
  readonly error?: "upstream_4xx" | "rate_limit";
  /** 1 when the stream carried content, 0 when it carried none (14) or was not a stream. */
  readonly ttft?: 0 | 1;
  readonly estimated?: boolean;
  readonly unpriced?: boolean;
}

export type Scrape = Map<string, number>;

const scrape = async (stack: Stack): Promise<Scrape> => parseMetrics(await stack.metricsText());

/** Runs `call` between two scrapes. */
export async function measured<T>(
  stack: Stack,
  call: () => Promise<T>,
): Promise<{ result: T; before: Scrape; after: Scrape }> {
  const before = await scrape(stack);
  const result = await call();
  return { result, before, after: await scrape(stack) };
}

// Gauges are set, not added to, and histogram sums and buckets hold timings: neither is a count.
const isAccountingSeries = (key: string): boolean =>
  key.startsWith("llm_") &&
  !key.startsWith("llm_ratelimit_") &&
  !key.startsWith("llm_requests_in_flight") &&
  !/_(?:bucket|sum)\{/.test(key);

/** Every counter (and histogram count) a request must move, with the amount, cost aside. */
function expectedDeltas(a: Accounting): Record<string, number> {
  const model = { model: a.model };
  const stream = String(a.stream);
  const code = String(a.status ?? 200);
  const out: Record<string, number> = {
    [seriesKey("llm_requests_total", { ...model, endpoint: a.endpoint, stream, code })]: 1,
    [seriesKey("llm_request_latency_seconds_count", { ...model, endpoint: a.endpoint, stream })]: 1,
    [seriesKey("llm_proxy_overhead_seconds_count", { endpoint: a.endpoint })]: 1,
  };
  const add = (name: string, labels: Record<string, string>, value: number | undefined) => {
    if (value !== undefined && value !== 0) out[seriesKey(name, labels)] = value;
  };
  add("llm_tokens_total", { ...model, type: "prompt" }, a.prompt);
  add("llm_tokens_total", { ...model, type: "completion" }, a.completion);
  add("llm_cached_tokens_total", model, a.cached);
  add("llm_reasoning_tokens_total", model, a.reasoning);
  add("llm_time_to_first_token_seconds_count", model, a.ttft);
  add("llm_usage_estimated_total", model, a.estimated ? 1 : 0);
  add("llm_unpriced_requests_total", model, a.unpriced ? 1 : 0);
  if (a.error !== undefined) add("llm_errors_total", { ...model, type: a.error }, 1);
  return out;
}

/** Every llm_* counter that moved moved by exactly the hand-calculated amount, and nothing else moved. */
export function expectAccounting(before: Scrape, after: Scrape, a: Accounting): void {
  const moved = deltas(before, after);
  const costKey = seriesKey("llm_cost_usd_total", { model: a.model });
  const counts = Object.fromEntries([...moved].filter(([key]) => isAccountingSeries(key) && key !== costKey));
  expect(counts).toEqual(expectedDeltas(a));
  expect(moved.get(costKey) ?? 0).toBeCloseTo(a.cost ?? 0, 12);
}

/** [limit-requests, remaining-requests, limit-tokens, remaining-tokens] as the upstream sent them. */
export type RateLimitValues = readonly [number, number, number, number];

function expectRateLimits(after: Scrape, model: string, values: RateLimitValues): void {
  const read = (name: string, resource: string) => seriesValue(after, name, { model, resource });
  expect([
    read("llm_ratelimit_limit", "requests"),
    read("llm_ratelimit_remaining", "requests"),
    read("llm_ratelimit_limit", "tokens"),
    read("llm_ratelimit_remaining", "tokens"),
  ]).toEqual(values);
}

/** Placeholders (`X-RATELIMIT-…-XXX`) or no headers at all: the gauges keep what they held. */
function expectRateLimitsUntouched(before: Scrape, after: Scrape, model: string): void {
  const gauges = (scraped: Scrape) =>
    [...scraped].filter(([key]) => key.startsWith("llm_ratelimit_") && key.includes(`model="${model}"`));
  expect(gauges(after)).toEqual(gauges(before));
}

const meaningful = /^(?:x-request-id|openai-.*|x-ratelimit-.*|content-type)$/;

/** The headers a client reads (request id, openai-*, x-ratelimit-*, content-type) arrive as recorded. */
function expectMeaningfulHeaders(recorded: readonly (readonly [string, string])[], received: Headers): void {
  const expected = new Map<string, string[]>();
  for (const [name, value] of recorded) {
    const lower = name.toLowerCase();
    if (meaningful.test(lower)) expected.set(lower, [...(expected.get(lower) ?? []), value]);
  }
  expect(expected.has("content-type")).toBe(true);
  for (const [name, values] of expected) expect(received.get(name), name).toBe(values.join(", "));
}

export interface ReplayCase extends Accounting {
  readonly name: string;
  /** Recorded x-ratelimit-* values; absent where the recorder left placeholders or sent none. */
  readonly limits?: RateLimitValues;
  /** The client's body where the transcript recorded none (29 and 30 come from bug reports). */
  readonly requestBody?: string;
  /** What must reach the upstream when the proxy changes the request (include_usage spliced in). */
  readonly upstreamBody?: string;
}

/**
 * Sends a transcript's request through the proxy and checks everything the client and the metrics
 * see: the recorded status, body bytes and headers, the request reaching the upstream as
 * expected (unchanged unless `upstreamBody` says otherwise), every
 * counter against the hand calculation, and the rate-limit gauges.
 */
export async function expectFaithfulReplay(
  replay: ReplayStack,
  c: ReplayCase,
): Promise<{ before: Scrape; after: Scrape }> {
  const transcript = loadTranscript(c.name);
  const sent = c.requestBody ?? transcript.request.body;
  const { result, before, after } = await measured(replay.stack, () =>
    sendThroughProxy(replay.stack, c.name, c.requestBody),
  );
  expect(result.status).toBe(transcript.response.status);
  expect(result.bytes.equals(responseBytes(transcript))).toBe(true);
  expectMeaningfulHeaders(transcript.response.headers, result.headers);
  expect(replay.upstream.lastRequest?.body.toString()).toBe(c.upstreamBody ?? sent);
  expectAccounting(before, after, c);
  if (c.limits === undefined) expectRateLimitsUntouched(before, after, c.model);
  else expectRateLimits(after, c.model, c.limits);
  return { before, after };
}
