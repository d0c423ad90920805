import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics, seriesValue } from "../helpers/metrics.js";
import { chatBody, postJson, type RawResponse } from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

// JSON.parse is iterative in V8 and reads any depth; JSON.stringify recurses and throws RangeError
// somewhere past a few thousand levels, so this depth is well past where re-serialising fails.
const depth = 20_000;
const nested = `${"[".repeat(depth)}${"]".repeat(depth)}`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const scrape = async () => parseMetrics(await stack.metricsText());

/** A body whose `metadata` nests `depth` arrays deep, otherwise what a client sends. */
function deepBody(extra: Record<string, unknown>, base = chatBody("Say something.")): string {
  const text = JSON.stringify({ ...base, ...extra, metadata: "NESTED" });
  return text.replace('"NESTED"', nested);
}

async function sent(path: string, body: string, headers: Record<string, string> = {}) {
  const before = await scrape();
  const response = await postJson(stack.proxyUrl, path, body, headers);
  return { response, moved: deltas(before, await scrape()) };
}

function expectCountedOk(moved: Map<string, number>, endpoint: string, stream: boolean): void {
  const labels = { model: "gpt-4o-mini", endpoint, stream: String(stream) };
  expect(seriesValue(moved, "llm_requests_total", { ...labels, code: "200" })).toBe(1);
  expect([...moved.keys()].filter((key) => key.startsWith("llm_errors_total"))).toEqual([]);
}

const usageChunks = (response: RawResponse) =>
  response.text.split("\n").filter((line) => line.startsWith("data: {") && line.includes('"usage":{'));

describe("a body nested thousands deep", () => {
  for (const streamOptions of [null, {}, { include_usage: false }]) {
    it(`streamed chat with stream_options ${JSON.stringify(streamOptions)}: 200, usage counted, none shown`, async () => {
      const body = deepBody({ stream: true, stream_options: streamOptions });
      const { response, moved } = await sent("/v1/chat/completions", body);
      expect(response.status).toBe(200);
      expect(response.text).toContain("data: [DONE]");
      expect(usageChunks(response)).toEqual([]);
      expectCountedOk(moved, "chat_completions", true);
      expect(
        seriesValue(moved, "llm_tokens_total", { model: "gpt-4o-mini", type: "prompt" }),
      ).toBeGreaterThan(0);
      // Only stream_options changed on the way: the nesting reached the upstream byte for byte.
      const upstream = stack.simulator.stats.lastRequestBody ?? "";
      expect(upstream).toBe(body.replace(JSON.stringify(streamOptions), '{"include_usage":true}'));
    });
  }

  it("non-streamed chat goes upstream byte for byte", async () => {
    const body = deepBody({});
    const { response, moved } = await sent("/v1/chat/completions", body);
    expect(response.status).toBe(200);
    expect(stack.simulator.stats.lastRequestBody).toBe(body);
    expectCountedOk(moved, "chat_completions", false);
  });

  it("/ask answers its summary, counted once as 200", async () => {
    const body = deepBody({ stream: true, stream_options: null });
    const { response, moved } = await sent("/ask", body);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ model: "gpt-4o-mini", answer: expect.any(String) });
    expectCountedOk(moved, "ask", false);
    expect(stack.simulator.stats.lastRequestBody).toContain(nested);
  });

  it("estimated because the upstream reports no usage: 200, counted once, marked estimated", async () => {
    const { response, moved } = await sent("/v1/chat/completions", deepBody({}), {
      "x-simulator-fault": "no_usage",
    });
    expect(response.status).toBe(200);
    expectCountedOk(moved, "chat_completions", false);
    expect(seriesValue(moved, "llm_usage_estimated_total", { model: "gpt-4o-mini" })).toBe(1);
  });
});
