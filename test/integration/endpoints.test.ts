import { spawnSync } from "node:child_process";
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

describe("/ask", () => {
  it("answers the seed's summary and is metered under endpoint=ask", async () => {
    const before = await scrape();
    const response = await fetch(`${stack.proxyUrl}/ask`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "Say hello" }] }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      model: string;
      prompt_tokens: number;
      completion_tokens: number;
      cost_usd: number;
      answer: string;
    };
    expect(Object.keys(body)).toEqual([
      "model",
      "latency_s",
      "prompt_tokens",
      "completion_tokens",
      "cost_usd",
      "answer",
    ]);
    expect(body.model).toBe("gpt-4o-mini");
    expect(body.answer.length).toBeGreaterThan(0);
    expect(body.cost_usd).toBeCloseTo((body.prompt_tokens * 0.15 + body.completion_tokens * 0.6) / 1e6, 12);
    expect(JSON.parse(stack.simulator.stats.lastRequestBody ?? "{}").stream).toBeUndefined();
    const m = deltas(before, await scrape());
    expect(
      seriesValue(m, "llm_requests_total", {
        model: "gpt-4o-mini",
        endpoint: "ask",
        stream: "false",
        code: "200",
      }),
    ).toBe(1);
    expect(seriesValue(m, "llm_tokens_total", { model: "gpt-4o-mini", type: "completion" })).toBe(
      body.completion_tokens,
    );
  });

  it("returns the upstream's status and error body on failure", async () => {
    const response = await fetch(`${stack.proxyUrl}/ask`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-simulator-fault": "rate_limit" },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(429);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe("rate_limit_exceeded");
  });
});

describe("the other OpenAI endpoints", () => {
  it("responses, embeddings and legacy completions are metered under their own endpoint", async () => {
    const before = await scrape();
    const answer = await client.responses.create({ model: "gpt-4.1-mini", input: "Say hi" });
    const embedding = await client.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"] });
    const completion = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Say hi" });
    const m = deltas(before, await scrape());
    expect(
      seriesValue(m, "llm_requests_total", {
        model: "gpt-4.1-mini",
        endpoint: "responses",
        stream: "false",
        code: "200",
      }),
    ).toBe(1);
    expect(seriesValue(m, "llm_tokens_total", { model: "gpt-4.1-mini", type: "completion" })).toBe(
      answer.usage?.output_tokens,
    );
    expect(seriesValue(m, "llm_tokens_total", { model: "text-embedding-3-small", type: "prompt" })).toBe(
      embedding.usage.prompt_tokens,
    );
    expect(seriesValue(m, "llm_cost_usd_total", { model: "text-embedding-3-small" })).toBeCloseTo(
      (embedding.usage.prompt_tokens * 0.02) / 1e6,
      14,
    );
    expect(seriesValue(m, "llm_tokens_total", { model: "gpt-3.5-turbo-instruct", type: "completion" })).toBe(
      completion.usage?.completion_tokens,
    );
  });

  it("a streamed Responses call records usage from response.completed and a time to first token", async () => {
    const before = await scrape();
    const stream = await client.responses.create({ model: "gpt-4o", input: "Say hi", stream: true });
    let usage: OpenAI.Responses.ResponseUsage | undefined;
    for await (const event of stream) if (event.type === "response.completed") usage = event.response.usage;
    const m = deltas(before, await scrape());
    expect(seriesValue(m, "llm_tokens_total", { model: "gpt-4o", type: "prompt" })).toBe(usage?.input_tokens);
    expect(seriesValue(m, "llm_time_to_first_token_seconds_count", { model: "gpt-4o" })).toBe(1);
  });

  it("GET /v1/models passes through and counts as endpoint=other", async () => {
    const before = await scrape();
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(0);
    const m = deltas(before, await scrape());
    expect(
      seriesValue(m, "llm_requests_total", {
        model: "unknown",
        endpoint: "other",
        stream: "false",
        code: "200",
      }),
    ).toBe(1);
  });
});

describe("operations endpoints", () => {
  it("/healthz answers without calling the upstream, /metrics is Prometheus text", async () => {
    const calls = stack.simulator.stats.requests;
    expect((await fetch(`${stack.proxyUrl}/healthz`)).status).toBe(200);
    expect(stack.simulator.stats.requests).toBe(calls);
    const metrics = await fetch(`${stack.proxyUrl}/metrics`);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    expect(await metrics.text()).toContain("# TYPE llm_requests_total counter");
  });

  it("a wrong method gets 405 with the Allow header RFC 9110 asks for", async () => {
    const metrics = await fetch(`${stack.proxyUrl}/metrics`, { method: "POST" });
    expect(metrics.status).toBe(405);
    expect(metrics.headers.get("allow")).toBe("GET");
    const ask = await fetch(`${stack.proxyUrl}/ask`);
    expect(ask.status).toBe(405);
    expect(ask.headers.get("allow")).toBe("POST");
    expect(((await ask.json()) as { error: { code: string } }).error.code).toBe("method_not_allowed");
  });

  it("promtool check metrics finds nothing to say about the llm_* metrics", async () => {
    await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
    });
    const text = await (await fetch(`${stack.proxyUrl}/metrics`)).text();
    const result = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(result.error, "promtool must be installed (Debian package prometheus)").toBeUndefined();
    const complaints = `${result.stdout}${result.stderr}`.split("\n").filter((line) => line.includes("llm_"));
    expect(complaints).toEqual([]);
  });
});
