import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { dataPayloads, fixedNow, fixtureBody, fixtureText, post, skeleton, userMessage } from "./helpers.js";

let sim: Simulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({ now: fixedNow });
  client = new OpenAI({ baseURL: sim.url, apiKey: "test", maxRetries: 0 });
});

afterAll(() => sim.close());

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  },
};

describe("chat completions through the official SDK", () => {
  it("answers a non-streamed request with a dated snapshot and consistent usage", async () => {
    const completion = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: userMessage("Say this is a test"),
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("gpt-4o-mini-2024-07-18");
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(completion.system_fingerprint).toMatch(/^fp_[0-9a-f]{10}$/);
    expect(completion.created).toBe(Math.floor(fixedNow() / 1000));
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("stop");
    expect(choice?.message.content?.length).toBeGreaterThan(0);
    const usage = completion.usage;
    expect(usage?.completion_tokens).toBeGreaterThanOrEqual(8);
    expect(usage?.completion_tokens).toBeLessThanOrEqual(40);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });

  it("streams with include_usage: one extra chunk without choices carries the usage", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: userMessage("Stream please"),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    const contentChunks = chunks.filter((chunk) => typeof chunk.choices[0]?.delta.content === "string");
    const pieces = contentChunks.filter((chunk) => chunk.choices[0]?.delta.content !== "");
    expect(last?.usage?.completion_tokens).toBe(pieces.length);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it("streams without include_usage: no chunk carries a usage key", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: userMessage("Stream please"),
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((chunk) => !("usage" in chunk))).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("answers tools with a tool call whose arguments are JSON", async () => {
    const completion = await client.chat.completions.create({
      model: "gpt-4.1",
      messages: userMessage("Weather in Paris?"),
      tools: [weatherTool],
    });
    const choice = completion.choices[0];
    expect(completion.model).toBe("gpt-4.1-2025-04-14");
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe("function");
    expect(call?.id).toMatch(/^call_/);
    if (call?.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_weather");
    expect(Object.keys(JSON.parse(call.function.arguments) as object)).toEqual(["location"]);
  });
});

describe("chat completions byte layout", () => {
  const body = { model: "gpt-4o-mini", messages: userMessage("Tell me a joke.") };

  it("is byte-identical for the same body, and ids do not depend on stream_options", async () => {
    const first = await (await post(sim, "/chat/completions", body)).text();
    const second = await (await post(sim, "/chat/completions", body)).text();
    expect(second).toBe(first);
    const streamA = await (await post(sim, "/chat/completions", { ...body, stream: true })).text();
    const withUsage = { ...body, stream: true, stream_options: { include_usage: true } };
    const streamB = await (await post(sim, "/chat/completions", withUsage)).text();
    const id = (JSON.parse(first) as { id: string }).id;
    expect(streamA).toContain(`"id":"${id}"`);
    expect(streamB).toContain(`"id":"${id}"`);
    const other = await (
      await post(sim, "/chat/completions", { ...body, messages: userMessage("x") })
    ).text();
    expect((JSON.parse(other) as { id: string }).id).not.toBe(id);
  });

  it("lays a non-streamed body out like fixture 02: 2-space JSON, same keys, trailing newline", async () => {
    const text = await (await post(sim, "/chat/completions", body)).text();
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    const recorded = fixtureBody("02_chat_nonstream_gpt-4o-mini_exact_bytes.json");
    expect(skeleton(JSON.parse(text))).toEqual(skeleton(JSON.parse(recorded)));
  });

  it("frames include_usage streams like fixture 12", async () => {
    const response = await post(sim, "/chat/completions", {
      ...body,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const text = await response.text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const payloads = dataPayloads(text);
    for (const payload of payloads.slice(0, -1)) expect(payload.endsWith(',"usage":null}')).toBe(true);
    const last = payloads.at(-1) ?? "";
    expect(last).toContain('"choices":[],"usage":{"prompt_tokens":');
    const recorded = dataPayloads(fixtureText("12_chat_stream_gpt-4o-mini_include_usage.sse"));
    const layout = (list: string[]) =>
      [list[0], list[1], list.at(-2), list.at(-1)].map((p) => skeleton(JSON.parse(p ?? "")));
    expect(layout(payloads)).toEqual(layout(recorded));
    expect(text.split("\n\n").every((frame) => frame === "" || frame.startsWith("data: "))).toBe(true);
  });

  it("frames streams without include_usage like fixture 11", async () => {
    const text = await (await post(sim, "/chat/completions", { ...body, stream: true })).text();
    const payloads = dataPayloads(text);
    expect(payloads.every((payload) => !payload.includes('"usage"'))).toBe(true);
    const recorded = dataPayloads(fixtureText("11_chat_stream_gpt-4_no_usage.sse"));
    const layout = (list: string[]) =>
      [list[0], list[1], list.at(-1)].map((p) =>
        skeleton({ ...JSON.parse(p ?? ""), system_fingerprint: "" }),
      );
    expect(layout(payloads)).toEqual(layout(recorded));
  });

  it("interleaves choice indexes for n=2 and sums completion tokens in one usage chunk", async () => {
    const text = await (
      await post(sim, "/chat/completions", {
        ...body,
        n: 2,
        stream: true,
        stream_options: { include_usage: true },
      })
    ).text();
    const chunks = dataPayloads(text).map((p) => JSON.parse(p) as ChatChunk);
    const indexes = chunks.slice(0, 4).map((chunk) => chunk.choices[0]?.index);
    expect(indexes).toEqual([0, 0, 1, 1]);
    expect(chunks[2]?.choices[0]?.delta.role).toBe("assistant");
    const finishes = chunks.filter((chunk) => chunk.choices[0]?.finish_reason === "stop");
    expect(finishes.map((chunk) => chunk.choices[0]?.index)).toEqual([0, 1]);
    const usageChunks = chunks.filter((chunk) => chunk.usage);
    expect(usageChunks).toHaveLength(1);
    const pieces = chunks.filter((chunk) => (chunk.choices[0]?.delta.content ?? "") !== "");
    expect(usageChunks[0]?.usage?.completion_tokens).toBe(pieces.length);
  });

  it("streams tool calls like fixture 16: id and name first, then argument pieces", async () => {
    const text = await (
      await post(sim, "/chat/completions", { ...body, tools: [weatherTool], stream: true })
    ).text();
    const chunks = dataPayloads(text).map((p) => JSON.parse(p) as ChatChunk);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: null });
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({
      index: 0,
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(calls[0]?.id).toMatch(/^call_/);
    expect(calls.slice(1).every((call) => call.id === undefined && call.index === 0)).toBe(true);
    const args = calls.map((call) => call.function?.arguments ?? "").join("");
    expect(JSON.parse(args)).toHaveProperty("location");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
    const recorded = dataPayloads(fixtureText("18_chat_stream_gpt-4o-mini_parallel_tool_calls_no_usage.sse"));
    expect(skeleton(JSON.parse(dataPayloads(text)[2] ?? ""))).toEqual(
      skeleton(JSON.parse(recorded[2] ?? "")),
    );
  });
});

interface ChatChunk {
  choices: Array<{
    index: number;
    delta: {
      role?: string;
      content?: string | null;
      tool_calls?: Array<{
        index: number;
        id?: string;
        type?: string;
        function?: { name?: string; arguments?: string };
      }>;
    };
    finish_reason: string | null;
  }>;
  usage?: { completion_tokens: number } | null;
}
