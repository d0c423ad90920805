import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics, seriesValue } from "../helpers/metrics.js";
import { chatBody, jsonHeaders, live, responseOf, startRaw, waitFor } from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ simulator: { tokensPerSecond: 20 } });
});

afterAll(() => stack?.close());

const scrape = async (s: Stack = stack) => parseMetrics(await s.metricsText());

const errorSeries = (changed: Map<string, number>) =>
  [...changed.keys()].filter((key) => key.startsWith("llm_errors_total"));

const inFlight = (metrics: Map<string, number>) =>
  [...metrics].filter(([key]) => key.startsWith("llm_requests_in_flight")).reduce((n, [, v]) => n + v, 0);

const slowHeaders = { "x-simulator-fault": "slow_headers:30000" };
const longStream = { "x-simulator-tokens": "400" };

function start(path: string, body: unknown, headers: Record<string, string>) {
  return startRaw(stack.proxyUrl, {
    method: body === undefined ? "GET" : "POST",
    path,
    headers: { ...jsonHeaders, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Destroys the client's socket and returns how long the simulator took to see its own socket close. */
async function abortAndWatchUpstream(destroy: () => void): Promise<number> {
  const aborts = stack.simulator.stats.clientAborts;
  const abortedAt = Date.now();
  destroy();
  await waitFor(() => stack.simulator.stats.clientAborts > aborts, { what: "upstream abort" });
  return (stack.simulator.stats.lastAbortAt ?? 0) - abortedAt;
}

/** Waits until the request is counted once under `series`, then checks no error was counted. */
async function expectCounted499(before: Map<string, number>, series: string): Promise<void> {
  await waitFor(async () => deltas(before, await scrape()).get(series) === 1, { what: series });
  const changed = deltas(before, await scrape());
  expect(errorSeries(changed)).toEqual([]);
  expect(inFlight(await scrape())).toBe(0);
}

const waitingCases = [
  ["chat", "/v1/chat/completions", chatBody("wait"), 'endpoint="chat_completions",model="gpt-4o-mini"'],
  ["/ask", "/ask", { messages: [{ role: "user", content: "wait" }] }, 'endpoint="ask",model="gpt-4o-mini"'],
  ["a pass-through", "/v1/models", undefined, 'endpoint="other",model="unknown"'],
] as const;

const streamingCases = [
  ["chat", "/v1/chat/completions", chatBody("go", { stream: true }), '"content":"', "chat_completions"],
  [
    "responses",
    "/v1/responses",
    { model: "gpt-4o-mini", input: "go", stream: true },
    '"delta":"',
    "responses",
  ],
] as const;

describe("a client that goes away", () => {
  for (const [name, path, body, labels] of waitingCases) {
    it(`${name}: before the upstream answers aborts the upstream at once and counts 499, not an error`, async () => {
      const before = await scrape();
      const requests = stack.simulator.stats.requests;
      const req = start(path, body, slowHeaders);
      await waitFor(() => stack.simulator.stats.requests > requests, { what: "request upstream" });
      expect(await abortAndWatchUpstream(() => req.destroy())).toBeLessThan(1000);
      await expectCounted499(before, `llm_requests_total{code="499",${labels},stream="false"}`);
    });
  }

  for (const [name, path, body, firstToken, endpoint] of streamingCases) {
    it(`${name}: mid-stream aborts the upstream at once and counts 499, not an error`, async () => {
      const before = await scrape();
      const req = start(path, body, longStream);
      const reading = live(await responseOf(req));
      await waitFor(() => reading.text().includes(firstToken), { what: "first content chunk" });
      expect(await abortAndWatchUpstream(() => req.destroy())).toBeLessThan(1000);
      const series = `llm_requests_total{code="499",endpoint="${endpoint}",model="gpt-4o-mini",stream="true"}`;
      await expectCounted499(before, series);
    });
  }

  it("while still sending its body is counted 499 and never reaches the upstream", async () => {
    const before = await scrape();
    const requests = stack.simulator.stats.requests;
    const req = startRaw(stack.proxyUrl, {
      method: "POST",
      path: "/v1/chat/completions",
      headers: jsonHeaders,
      body: '{"model":"gpt-4o-mini","messages":[',
      chunked: true,
      keepOpen: true,
    });
    await waitFor(async () => inFlight(await scrape()) === 1, { what: "request in flight" });
    req.destroy();
    await waitFor(async () => inFlight(await scrape()) === 0, { what: "in-flight back to 0" });
    const changed = deltas(before, await scrape());
    expect(
      changed.get(
        `llm_requests_total{code="499",endpoint="chat_completions",model="unknown",stream="false"}`,
      ),
    ).toBe(1);
    expect(errorSeries(changed)).toEqual([]);
    expect(stack.simulator.stats.requests).toBe(requests);
  });
});

/**
 * An upstream that reports usage early and then holds the stream open, so the client can leave after
 * tokens were reported but before the stream ended.
 */
function startHoldingUpstream(): Promise<{ server: Server; url: string; closed: () => number }> {
  let closed = 0;
  const usage = '{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}';
  const server = createServer((req, res) => {
    req.resume();
    res.on("close", () => {
      closed += 1;
    });
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write('data: {"choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null}\n\n');
    res.write(`data: {"choices":[],"usage":${usage}}\n\n`);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/v1`, closed: () => closed });
    }),
  );
}

describe("a client that leaves after the usage was reported", () => {
  it("records the reported tokens with the 499", async () => {
    const upstream = await startHoldingUpstream();
    const held = await startStack({ upstreamUrl: upstream.url });
    try {
      const req = startRaw(held.proxyUrl, {
        method: "POST",
        path: "/v1/chat/completions",
        headers: jsonHeaders,
        body: JSON.stringify(chatBody("hold", { stream: true, stream_options: { include_usage: true } })),
      });
      const reading = live(await responseOf(req));
      await waitFor(() => reading.text().includes('"total_tokens":18'), { what: "usage chunk" });
      req.destroy();
      await waitFor(() => upstream.closed() === 1, { what: "upstream request closed" });
      const series = { model: "gpt-4o-mini", endpoint: "chat_completions", stream: "true", code: "499" };
      await waitFor(async () => seriesValue(await scrape(held), "llm_requests_total", series) === 1);
      const metrics = await scrape(held);
      expect(seriesValue(metrics, "llm_tokens_total", { model: "gpt-4o-mini", type: "prompt" })).toBe(11);
      expect(seriesValue(metrics, "llm_tokens_total", { model: "gpt-4o-mini", type: "completion" })).toBe(7);
      expect(inFlight(metrics)).toBe(0);
    } finally {
      await held.close();
      upstream.server.closeAllConnections();
      upstream.server.close();
    }
  });
});
