import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriesValue } from "../helpers/metrics.js";
import type { ReceivedSpan } from "../helpers/otlp-spans.js";
import { durationOf, startTracedStack, type Traced, type TracedStack } from "../helpers/traced-stack.js";

const secret = "the secret words of the prompt";
const apiKey = "sk-live-client-key-0123456789";

/** What the metrics counted for one request of `model` on `endpoint`, from two scrapes. */
function counted(t: Traced<unknown>, model: string, endpoint: string, stream: boolean) {
  const delta = (name: string, labels: Record<string, string>) =>
    seriesValue(t.after, name, labels) - seriesValue(t.before, name, labels);
  const series = { model, endpoint, stream: String(stream) };
  return {
    latency: delta("llm_request_latency_seconds_sum", series),
    ttft: delta("llm_time_to_first_token_seconds_sum", { model }),
    cost: delta("llm_cost_usd_total", { model }),
    prompt: delta("llm_tokens_total", { model, type: "prompt" }),
    completion: delta("llm_tokens_total", { model, type: "completion" }),
    cached: delta("llm_cached_tokens_total", { model }),
    reasoning: delta("llm_reasoning_tokens_total", { model }),
    requests: (code: number) => delta("llm_requests_total", { ...series, code: String(code) }),
    errors: (type: string) => delta("llm_errors_total", { model, type }),
  };
}

function only(t: Traced<unknown>): ReceivedSpan {
  expect(t.spans.map((s) => s.name)).toHaveLength(1);
  return t.spans[0] as ReceivedSpan;
}

/** Nothing the client sent as content or credentials may reach the trace backend. */
function expectNoContentOrKey(t: Traced<unknown>): void {
  const exported = JSON.stringify(t.spans, (_key, value) =>
    typeof value === "bigint" ? String(value) : value,
  );
  expect(exported).not.toContain(secret);
  expect(exported).not.toContain(apiKey);
}

describe.each(["http/protobuf", "http/json"] as const)("spans exported over OTLP %s", (protocol) => {
  let traced: TracedStack;
  let client: OpenAI;
  let upstream: { address: string; port: number };

  beforeAll(async () => {
    traced = await startTracedStack(protocol, { simulator: { tokensPerSecond: 200 } });
    client = new OpenAI({
      baseURL: `${traced.stack.proxyUrl}/v1`,
      apiKey,
      maxRetries: 0,
      defaultHeaders: { "x-simulator-tokens": "12" },
    });
    const url = new URL(traced.stack.simulatorUrl);
    upstream = { address: url.hostname, port: Number(url.port) };
  });
  afterAll(() => traced?.close());

  it("reach the receiver in the configured encoding, at /v1/traces, with the service name", () => {
    const contentType = protocol === "http/json" ? "application/json" : "application/x-protobuf";
    return traced
      .traced(() => client.models.list())
      .then(() => {
        expect(traced.receiver.exports.length).toBeGreaterThan(0);
        for (const each of traced.receiver.exports) {
          expect(each.path).toBe("/v1/traces");
          expect(each.contentType).toContain(contentType);
          expect(each.spans.every((s) => s.resource["service.name"] === "llm-observability-proxy")).toBe(
            true,
          );
        }
      });
  });

  it("a chat completion: one CLIENT span with the GenAI attributes, matching the answer and the metrics", async () => {
    const params = {
      model: "gpt-4o-mini",
      messages: [{ role: "user" as const, content: secret }],
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
    };
    const t = await traced.traced(() => client.chat.completions.create(params));
    const completion = t.result as OpenAI.ChatCompletion;
    const span = only(t);
    const metrics = counted(t, "gpt-4o-mini", "chat_completions", false);
    expect(span).toMatchObject({ name: "chat gpt-4o-mini", kind: 3, parentSpanId: "", status: { code: 0 } });
    expect(span.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.system": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.stream": false,
      "gen_ai.request.max_tokens": 50,
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.response.id": completion.id,
      "gen_ai.response.model": completion.model,
      "gen_ai.response.finish_reasons": completion.choices.map((c) => c.finish_reason),
      "gen_ai.usage.input_tokens": completion.usage?.prompt_tokens,
      "gen_ai.usage.output_tokens": completion.usage?.completion_tokens,
      "llm_proxy.usage.cached_tokens": metrics.cached,
      "llm_proxy.usage.reasoning_tokens": metrics.reasoning,
      "llm_proxy.usage.estimated": false,
      "llm_proxy.cost_usd": expect.closeTo(metrics.cost, 15),
      "server.address": upstream.address,
      "server.port": upstream.port,
      "http.response.status_code": 200,
    });
    expect(metrics.prompt).toBe(completion.usage?.prompt_tokens);
    expect(metrics.cost).toBeGreaterThan(0);
    expect(durationOf(span)).toBeCloseTo(metrics.latency, 3);
    expectNoContentOrKey(t);
  });

  it("a streamed chat completion: finish reasons, usage the proxy asked for, and the time to first token", async () => {
    const t = await traced.traced(async () => {
      const stream = await client.chat.completions.create({
        model: "gpt-5-nano",
        messages: [{ role: "user", content: secret }],
        stream: true,
        n: 2,
      });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    });
    const chunks = t.result as OpenAI.ChatCompletionChunk[];
    const span = only(t);
    const metrics = counted(t, "gpt-5-nano", "chat_completions", true);
    const reasons = chunks.flatMap((c) => c.choices.flatMap((choice) => choice.finish_reason ?? []));
    expect(chunks.some((c) => c.usage != null)).toBe(false);
    expect(span.name).toBe("chat gpt-5-nano");
    expect(span.attributes).toMatchObject({
      "gen_ai.request.stream": true,
      "gen_ai.response.id": chunks[0]?.id,
      "gen_ai.response.model": chunks[0]?.model,
      "gen_ai.response.finish_reasons": reasons,
      "gen_ai.usage.input_tokens": metrics.prompt,
      "gen_ai.usage.output_tokens": metrics.completion,
      "llm_proxy.usage.reasoning_tokens": metrics.reasoning,
      "llm_proxy.time_to_first_token": expect.closeTo(metrics.ttft, 9),
      "http.response.status_code": 200,
    });
    expect(reasons).toHaveLength(2);
    expect(metrics.reasoning).toBeGreaterThan(0);
    expect(metrics.ttft).toBeGreaterThan(0);
    expect(span.attributes["gen_ai.request.max_tokens"]).toBeUndefined();
    expect(durationOf(span)).toBeCloseTo(metrics.latency, 3);
    expectNoContentOrKey(t);
  });

  it("an upstream failure: an ERROR span whose error.type is the metrics' error type", async () => {
    const t = await traced.traced(() =>
      client.chat.completions.create(
        { model: "gpt-4o-mini", messages: [{ role: "user", content: secret }] },
        { headers: { "x-simulator-fault": "rate_limit" } },
      ),
    );
    expect(t.error).toBeInstanceOf(OpenAI.APIError);
    expect((t.error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    const span = only(t);
    const metrics = counted(t, "gpt-4o-mini", "chat_completions", false);
    expect(metrics.errors("rate_limit")).toBe(1);
    expect(span.status.code).toBe(2);
    expect(span.attributes).toMatchObject({ "error.type": "rate_limit", "http.response.status_code": 429 });
    expect(span.attributes["gen_ai.usage.input_tokens"]).toBeUndefined();
    expect(span.attributes["gen_ai.response.id"]).toBeUndefined();
  });

  it("a request refused before the upstream: the span says invalid_request, and knows no model", async () => {
    const t = await traced.traced(() =>
      fetch(`${traced.stack.proxyUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{not json",
      }).then((r) => r.status),
    );
    expect(t.result).toBe(400);
    const span = only(t);
    expect(span.name).toBe("chat");
    expect(span.status.code).toBe(2);
    expect(span.attributes).toMatchObject({
      "error.type": "invalid_request",
      "http.response.status_code": 400,
    });
    expect(span.attributes["gen_ai.request.model"]).toBeUndefined();
  });

  it("a stream the client aborts: status 499 as counted, not an error, with what was seen so far", async () => {
    const controller = new AbortController();
    const t = await traced.traced(async () => {
      const stream = await client.chat.completions.create(
        { model: "gpt-4o-mini", messages: [{ role: "user", content: secret }], stream: true },
        { signal: controller.signal, headers: { "x-simulator-tokens": "2000" } },
      );
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) controller.abort();
      }
    });
    // The SDK ends an aborted stream's iteration quietly; the proxy sees its client go away.
    expect(controller.signal.aborted).toBe(true);
    const span = only(t);
    const metrics = counted(t, "gpt-4o-mini", "chat_completions", true);
    expect(metrics.requests(499)).toBe(1);
    expect(span.status.code).toBe(0);
    expect(span.attributes["http.response.status_code"]).toBe(499);
    expect(span.attributes["error.type"]).toBeUndefined();
    expect(span.attributes["gen_ai.response.id"]).toMatch(/^chatcmpl-/);
    expect(span.attributes["gen_ai.response.finish_reasons"]).toBeUndefined();
    expect(span.attributes["llm_proxy.time_to_first_token"]).toBeCloseTo(metrics.ttft, 9);
  });

  it("the Responses API is chat; its finish reason is the response's status", async () => {
    const t = await traced.traced(() =>
      client.responses.create({ model: "gpt-4o-mini", input: secret, max_output_tokens: 40 }),
    );
    const response = t.result as OpenAI.Responses.Response;
    const span = only(t);
    expect(span.name).toBe("chat gpt-4o-mini");
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.max_tokens": 40,
      "gen_ai.response.id": response.id,
      "gen_ai.response.finish_reasons": [response.status],
      "gen_ai.usage.input_tokens": response.usage?.input_tokens,
      "gen_ai.usage.output_tokens": response.usage?.output_tokens,
    });
    expectNoContentOrKey(t);
  });

  it("embeddings and legacy completions name their own operations", async () => {
    const e = await traced.traced(() =>
      client.embeddings.create({ model: "text-embedding-3-small", input: secret }),
    );
    expect(only(e).name).toBe("embeddings text-embedding-3-small");
    expect(only(e).attributes).toMatchObject({
      "gen_ai.operation.name": "embeddings",
      "gen_ai.response.model": (e.result as OpenAI.CreateEmbeddingResponse).model,
      "gen_ai.usage.input_tokens": (e.result as OpenAI.CreateEmbeddingResponse).usage.prompt_tokens,
    });
    const c = await traced.traced(() =>
      client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: secret, max_tokens: 7 }),
    );
    const completion = c.result as OpenAI.Completion;
    expect(only(c).name).toBe("text_completion gpt-3.5-turbo-instruct");
    expect(only(c).attributes).toMatchObject({
      "gen_ai.operation.name": "text_completion",
      "gen_ai.request.max_tokens": 7,
      "gen_ai.response.id": completion.id,
      "gen_ai.response.finish_reasons": completion.choices.map((choice) => choice.finish_reason),
    });
    expectNoContentOrKey(e);
    expectNoContentOrKey(c);
  });

  it("/ask is a chat, named after the default model", async () => {
    const t = await traced.traced(() =>
      fetch(`${traced.stack.proxyUrl}/ask`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "user", content: secret }], temperature: 0.5 }),
      }).then((r) => r.json() as Promise<{ prompt_tokens: number }>),
    );
    const span = only(t);
    expect(span.name).toBe("chat gpt-4o-mini");
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.stream": false,
      "gen_ai.request.temperature": 0.5,
      "gen_ai.response.id": expect.stringMatching(/^chatcmpl-/),
      "gen_ai.usage.input_tokens": t.result?.prompt_tokens,
      "http.response.status_code": 200,
    });
    expectNoContentOrKey(t);
  });

  it("a pass-through request gets a plain HTTP client span", async () => {
    const t = await traced.traced(() => client.models.list());
    const span = only(t);
    expect(span).toMatchObject({ name: "GET", kind: 3, status: { code: 0 } });
    expect(span.attributes).toEqual({
      "http.request.method": "GET",
      "url.full": `${traced.stack.simulatorUrl}/models`,
      "server.address": upstream.address,
      "server.port": upstream.port,
      "http.response.status_code": 200,
    });
  });
});
