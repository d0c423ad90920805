import autocannon from "autocannon";
import { Client } from "undici";

export interface Scenario {
  readonly name: "non-stream" | "stream-20";
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const message = [{ role: "user", content: "Say hello to the benchmark." }];
// The simulator answers in exactly this many content pieces, so every request does the same work.
const pinned = { "content-type": "application/json", "x-simulator-tokens": "20" };

export const scenarios: readonly Scenario[] = [
  {
    name: "non-stream",
    path: "/v1/chat/completions",
    headers: pinned,
    body: JSON.stringify({ model: "gpt-4o-mini", messages: message }),
  },
  {
    name: "stream-20",
    path: "/v1/chat/completions",
    headers: pinned,
    body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: message }),
  },
];

export interface LoadResult {
  /** Responses received, any status. */
  readonly completed: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly seconds: number;
  /** Per-request latency in ms at full resolution, when asked for. */
  readonly latenciesMs: number[];
}

/**
 * One autocannon run. autocannon's own histogram keeps whole milliseconds, too coarse for an overhead
 * of tenths of one, so latencies are taken from its per-response event instead.
 */
export async function runLoad(
  origin: string,
  scenario: Scenario,
  connections: number,
  seconds: number,
  keepLatencies = false,
): Promise<LoadResult> {
  const instance = autocannon({
    url: origin + scenario.path,
    method: "POST",
    headers: scenario.headers,
    body: scenario.body,
    connections,
    duration: seconds,
    timeout: 30,
  });
  const latenciesMs: number[] = [];
  let completed = 0;
  instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => {
    completed++;
    if (keepLatencies) latenciesMs.push(ms);
  });
  const result = await instance;
  return { completed, non2xx: result.non2xx, errors: result.errors, seconds: result.duration, latenciesMs };
}

export interface TtfbResult {
  readonly ttfbMs: number[];
  readonly totalMs: number[];
  readonly failures: number;
}

/** Sequential requests on one keep-alive connection, timing the first body byte and the last. */
export async function runTtfb(origin: string, scenario: Scenario, seconds: number): Promise<TtfbResult> {
  const client = new Client(origin, { pipelining: 1 });
  const ttfbMs: number[] = [];
  const totalMs: number[] = [];
  let failures = 0;
  const until = performance.now() + seconds * 1000;
  try {
    while (performance.now() < until) {
      const started = performance.now();
      const res = await client.request({
        path: scenario.path,
        method: "POST",
        headers: scenario.headers,
        body: scenario.body,
      });
      let first: number | undefined;
      for await (const _chunk of res.body) first ??= performance.now();
      if (res.statusCode !== 200 || first === undefined) failures++;
      else {
        ttfbMs.push(first - started);
        totalMs.push(performance.now() - started);
      }
    }
  } finally {
    await client.close();
  }
  return { ttfbMs, totalMs, failures };
}
