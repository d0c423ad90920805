import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics, seriesValue } from "../helpers/metrics.js";
import { type Stack, startStack } from "../helpers/stack.js";

let stack: Stack;
let client: OpenAI;
beforeAll(async () => {
  stack = await startStack();
  client = new OpenAI({ baseURL: `${stack.proxyUrl}/v1`, apiKey: "sk-test", maxRetries: 0 });
});
afterAll(() => stack.close());

const scrape = async () => parseMetrics(await stack.metricsText());
const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: "user", content: "What is the capital of France?" },
];

/** Runs `call` and returns what it answered and how every series moved meanwhile. */
async function measured<T>(call: () => Promise<T>): Promise<{ result: T; moved: Map<string, number> }> {
  const before = await scrape();
  const result = await call();
  return { result, moved: deltas(before, await scrape()) };
}

describe("metrics equal the usage the upstream reported", () => {
  it("non-streamed chat through the SDK: requests, tokens, cost, latency", async () => {
    const { result, moved: m } = await measured(() =>
      client.chat.completions.create({ model: "gpt-4o-mini", messages }),
    );
    const usage = result.usage as OpenAI.CompletionUsage;
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    const labels = { model: "gpt-4o-mini" };
    expect(
      seriesValue(m, "llm_requests_total", {
        ...labels,
        endpoint: "chat_completions",
        stream: "false",
        code: "200",
      }),
    ).toBe(1);
    expect(seriesValue(m, "llm_tokens_total", { ...labels, type: "prompt" })).toBe(usage.prompt_tokens);
    expect(seriesValue(m, "llm_tokens_total", { ...labels, type: "completion" })).toBe(
      usage.completion_tokens,
    );
    // gpt-4o-mini lists at $0.15 input and $0.60 output per million tokens.
    const expected = (usage.prompt_tokens * 0.15 + usage.completion_tokens * 0.6) / 1e6;
    expect(seriesValue(m, "llm_cost_usd_total", labels)).toBeCloseTo(expected, 12);
    expect(
      seriesValue(m, "llm_request_latency_seconds_count", {
        ...labels,
        endpoint: "chat_completions",
        stream: "false",
      }),
    ).toBe(1);
    expect(seriesValue(m, "llm_time_to_first_token_seconds_count", labels)).toBe(0);
  });

  it("streamed chat through the SDK without include_usage: no usage chunk reaches the client, tokens are counted", async () => {
    const { result, moved: m } = await measured(async () => {
      const stream = await client.chat.completions.create({ model: "gpt-4o", messages, stream: true });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    });
    expect(result.every((chunk) => chunk.usage === undefined && chunk.choices.length > 0)).toBe(true);
    const direct = await directUsage({ model: "gpt-4o", messages });
    const labels = { model: "gpt-4o" };
    expect(
      seriesValue(m, "llm_requests_total", {
        ...labels,
        endpoint: "chat_completions",
        stream: "true",
        code: "200",
      }),
    ).toBe(1);
    expect(seriesValue(m, "llm_tokens_total", { ...labels, type: "prompt" })).toBe(direct.prompt_tokens);
    expect(seriesValue(m, "llm_tokens_total", { ...labels, type: "completion" })).toBe(
      direct.completion_tokens,
    );
    const expected = (direct.prompt_tokens * 2.5 + direct.completion_tokens * 10) / 1e6;
    expect(seriesValue(m, "llm_cost_usd_total", labels)).toBeCloseTo(expected, 12);
    expect(seriesValue(m, "llm_time_to_first_token_seconds_count", labels)).toBe(1);
    expect(seriesValue(m, "llm_usage_estimated_total", labels)).toBe(0);
  });

  it("streamed chat with include_usage: the client gets the usage chunk and it is counted once", async () => {
    const { result, moved: m } = await measured(async () => {
      const stream = await client.chat.completions.create({
        model: "gpt-4.1",
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      const usages: OpenAI.CompletionUsage[] = [];
      for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage);
      return usages;
    });
    expect(result).toHaveLength(1);
    const usage = result[0] as OpenAI.CompletionUsage;
    expect(seriesValue(m, "llm_tokens_total", { model: "gpt-4.1", type: "completion" })).toBe(
      usage.completion_tokens,
    );
    const expected = (usage.prompt_tokens * 2 + usage.completion_tokens * 8) / 1e6;
    expect(seriesValue(m, "llm_cost_usd_total", { model: "gpt-4.1" })).toBeCloseTo(expected, 12);
  });

  it("reasoning tokens are counted as a subset of completion tokens", async () => {
    const { result, moved: m } = await measured(() =>
      client.chat.completions.create({ model: "gpt-5-nano", messages }),
    );
    const reasoning = result.usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    expect(reasoning).toBeGreaterThan(0);
    expect(seriesValue(m, "llm_reasoning_tokens_total", { model: "gpt-5-nano" })).toBe(reasoning);
    expect(seriesValue(m, "llm_tokens_total", { model: "gpt-5-nano", type: "completion" })).toBe(
      result.usage?.completion_tokens,
    );
  });

  it("a 429 passes through as RateLimitError and counts as rate_limit", async () => {
    const before = await scrape();
    const call = client.chat.completions.create(
      { model: "gpt-4o-mini", messages },
      { headers: { "x-simulator-fault": "rate_limit" } },
    );
    await expect(call).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const m = deltas(before, await scrape());
    expect(
      seriesValue(m, "llm_requests_total", {
        model: "gpt-4o-mini",
        endpoint: "chat_completions",
        stream: "false",
        code: "429",
      }),
    ).toBe(1);
    expect(seriesValue(m, "llm_errors_total", { model: "gpt-4o-mini", type: "rate_limit" })).toBe(1);
    expect(seriesValue(m, "llm_tokens_total", { model: "gpt-4o-mini", type: "prompt" })).toBe(0);
  });

  it("records upstream rate-limit headroom", async () => {
    await client.chat.completions.create({ model: "gpt-4.1-mini", messages });
    const metrics = await scrape();
    expect(seriesValue(metrics, "llm_ratelimit_limit", { model: "gpt-4.1-mini", resource: "requests" })).toBe(
      10000,
    );
    expect(
      seriesValue(metrics, "llm_ratelimit_remaining", { model: "gpt-4.1-mini", resource: "tokens" }),
    ).toBeGreaterThan(0);
    expect(seriesValue(metrics, "llm_requests_in_flight", { endpoint: "chat_completions" })).toBe(0);
  });
});

async function directUsage(body: Record<string, unknown>): Promise<OpenAI.CompletionUsage> {
  const direct = new OpenAI({ baseURL: stack.simulatorUrl, apiKey: "sk-test", maxRetries: 0 });
  const answer = await direct.chat.completions.create(
    body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming,
  );
  return answer.usage as OpenAI.CompletionUsage;
}
