import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { fixedNow, userMessage } from "./helpers.js";

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
