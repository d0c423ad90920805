import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics, seriesValue } from "../helpers/metrics.js";
import { postJson } from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

const logLines: string[] = [];
let stack: Stack;
let client: OpenAI;
beforeAll(async () => {
  stack = await startStack({ logLines });
  client = new OpenAI({ baseURL: `${stack.proxyUrl}/v1`, apiKey: "sk-test", maxRetries: 0 });
});
afterAll(() => stack.close());

const scrape = async () => parseMetrics(await stack.metricsText());
const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Hello" }];
const fault = (value: string) => ({ headers: { "x-simulator-fault": `usage:${value}` } });

/** Every token and cost series the proxy exposes: each must stay a finite, non-negative number. */
function tokenAndCostValues(metrics: Map<string, number>): number[] {
  return [...metrics]
    .filter(([key]) => key.startsWith("llm_tokens_total{") || key.startsWith("llm_cost_usd_total{"))
    .map(([, value]) => value);
}

async function measured<T>(call: () => Promise<T>): Promise<{ result: T; moved: Map<string, number> }> {
  const before = await scrape();
  const result = await call();
  const after = await scrape();
  for (const value of tokenAndCostValues(after)) {
    expect(Number.isFinite(value) && value >= 0, String(value)).toBe(true);
  }
  return { result, moved: deltas(before, after) };
}

/** Counted once with the status the client got, no error, no tokens and no cost. */
function expectCountedWithoutUsage(moved: Map<string, number>, labels: Record<string, string>): void {
  expect(seriesValue(moved, "llm_requests_total", { ...labels, code: "200" })).toBe(1);
  const touched = [...moved.keys()].filter(
    (key) => key.startsWith("llm_tokens_total") || key.startsWith("llm_cost") || key.startsWith("llm_errors"),
  );
  expect(touched).toEqual([]);
}

describe("usage that is not a non-negative safe integer", () => {
  it("1e308 prompt and completion tokens, twice: 200s, no tokens counted, counters stay finite", async () => {
    for (let i = 0; i < 2; i++) {
      const { result, moved } = await measured(() =>
        client.chat.completions.create({ model: "gpt-4o-mini", messages }, fault("1e308")),
      );
      expect(result.usage?.prompt_tokens).toBe(1e308);
      expectCountedWithoutUsage(moved, {
        model: "gpt-4o-mini",
        endpoint: "chat_completions",
        stream: "false",
      });
    }
  });

  it("o1-pro with 1e306 completion tokens (a cost that overflows): a delivered 200 counts as 200", async () => {
    const { result, moved } = await measured(() =>
      client.chat.completions.create({ model: "o1-pro", messages }, fault("1e306")),
    );
    expect(result.choices.length).toBeGreaterThan(0);
    expectCountedWithoutUsage(moved, { model: "o1-pro", endpoint: "chat_completions", stream: "false" });
  });

  for (const value of ["-3", "1.5", "9007199254740992"]) {
    it(`${value} tokens in a stream: the stream arrives whole, counters never decrease`, async () => {
      const { result, moved } = await measured(async () => {
        const stream = await client.chat.completions.create(
          { model: "gpt-4o-mini", messages, stream: true },
          fault(value),
        );
        const chunks: OpenAI.ChatCompletionChunk[] = [];
        for await (const chunk of stream) chunks.push(chunk);
        return chunks;
      });
      // The proxy asked for the usage chunk itself, so it is removed even when it cannot be counted.
      expect(result.some((chunk) => chunk.usage)).toBe(false);
      expectCountedWithoutUsage(moved, {
        model: "gpt-4o-mini",
        endpoint: "chat_completions",
        stream: "true",
      });
    });
  }

  it("Responses API with 1e308 input and output tokens", async () => {
    const { moved } = await measured(() =>
      client.responses.create({ model: "gpt-4o-mini", input: "Hello" }, fault("1e308")),
    );
    expectCountedWithoutUsage(moved, { model: "gpt-4o-mini", endpoint: "responses", stream: "false" });
  });

  it("/ask shows what was counted: no tokens and no cost", async () => {
    const { result, moved } = await measured(() =>
      postJson(stack.proxyUrl, "/ask", { messages }, { "x-simulator-fault": "usage:1e308" }),
    );
    expect(result.status).toBe(200);
    expect(JSON.parse(result.text)).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, cost_usd: null });
    expectCountedWithoutUsage(moved, { model: "gpt-4o-mini", endpoint: "ask", stream: "false" });
  });

  it("is logged once, without content", () => {
    const warnings = logLines.filter((line) => line.includes("not non-negative integers"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain("Hello");
  });
});
