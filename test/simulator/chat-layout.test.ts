import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { dataPayloads, fixedNow, fixtureBody, fixtureText, post, skeleton, userMessage } from "./helpers.js";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ now: fixedNow });
});

afterAll(() => sim.close());

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  },
};

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
