import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics } from "../helpers/metrics.js";
import { jsonHeaders, startRaw, waitFor } from "../helpers/raw-http.js";
import { type ScriptedUpstream, startScriptedUpstream } from "../helpers/scripted-upstream.js";
import { type Stack, startStack } from "../helpers/stack.js";

// An upstream that sends the head and the first bytes of a JSON answer, then holds the rest: the client
// of /ask can leave while the proxy is still reading the answer.
const seen = { heads: 0, closed: 0, closedAt: 0 };
let upstream: ScriptedUpstream;
let stack: Stack;

beforeAll(async () => {
  upstream = await startScriptedUpstream((_req, res) => {
    res.on("close", () => {
      seen.closed += 1;
      seen.closedAt = Date.now();
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"id":"chatcmpl-1","object":"chat.completion","choices":[');
    seen.heads += 1;
  });
  stack = await startStack({ upstreamUrl: upstream.url });
});

afterAll(async () => {
  await stack?.close();
  await upstream?.close();
});

describe("/ask when its client leaves while the answer is being read", () => {
  it("stops the upstream at once and counts 499, not an error", async () => {
    const before = parseMetrics(await stack.metricsText());
    const req = startRaw(stack.proxyUrl, {
      path: "/ask",
      headers: jsonHeaders,
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
    });
    await waitFor(() => seen.heads === 1, { what: "the upstream's head" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const leftAt = Date.now();
    req.destroy();
    await waitFor(() => seen.closed === 1, { what: "the upstream request closed" });
    expect(seen.closedAt - leftAt).toBeLessThan(1000);
    await waitFor(async () => {
      const changed = deltas(before, parseMetrics(await stack.metricsText()));
      return [...changed.keys()].some((key) => key.startsWith("llm_requests_total{"));
    });
    const changed = deltas(before, parseMetrics(await stack.metricsText()));
    expect([...changed].filter(([key]) => /^llm_(requests|errors)_total\{/.test(key))).toEqual([
      ['llm_requests_total{code="499",endpoint="ask",model="gpt-4o-mini",stream="false"}', 1],
    ]);
  });
});
