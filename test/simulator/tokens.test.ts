import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { dataPayloads, fixedNow, post, userMessage } from "./helpers.js";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ now: fixedNow });
});

afterAll(() => sim.close());

interface Completion {
  model: string;
  choices: Array<{ message: { content: string | null }; finish_reason: string }>;
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    prompt_tokens_details: { cached_tokens: number };
    completion_tokens_details: { reasoning_tokens: number };
  };
}

async function complete(
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Completion> {
  const response = await post(sim, "/chat/completions", body, headers);
  expect(response.status).toBe(200);
  return (await response.json()) as Completion;
}

describe("token counts", () => {
  it("x-simulator-tokens forces exactly N streamed content pieces", async () => {
    const body = { model: "gpt-4o-mini", messages: userMessage("bench"), stream: true };
    const text = await (await post(sim, "/chat/completions", body, { "x-simulator-tokens": "20" })).text();
    const pieces = dataPayloads(text)
      .map((payload) => JSON.parse(payload) as { choices: Array<{ delta: { content?: string } }> })
      .filter((chunk) => (chunk.choices[0]?.delta.content ?? "") !== "");
    expect(pieces).toHaveLength(20);
    const plain = await complete(
      { model: "gpt-4o-mini", messages: userMessage("bench") },
      { "x-simulator-tokens": "20" },
    );
    expect(plain.usage.completion_tokens).toBe(20);
  });

  it("stops at max_tokens with finish_reason length", async () => {
    const result = await complete(
      { model: "gpt-4o", messages: userMessage("long"), max_tokens: 3 },
      { "x-simulator-tokens": "30" },
    );
    expect(result.model).toBe("gpt-4o-2024-08-06");
    expect(result.usage.completion_tokens).toBe(3);
    expect(result.choices[0]?.finish_reason).toBe("length");
  });

  it("adds reasoning tokens for reasoning models, within max_completion_tokens", async () => {
    const full = await complete(
      { model: "gpt-5-nano", messages: userMessage("think") },
      { "x-simulator-tokens": "10" },
    );
    expect(full.model).toBe("gpt-5-nano-2025-08-07");
    expect(full.usage.completion_tokens_details.reasoning_tokens).toBe(64);
    expect(full.usage.completion_tokens).toBe(74);
    const cut = await complete({
      model: "o1-mini",
      messages: userMessage("think"),
      max_completion_tokens: 20,
    });
    expect(cut.usage.completion_tokens).toBe(20);
    expect(cut.usage.completion_tokens_details.reasoning_tokens).toBe(20);
    expect(cut.choices[0]?.message.content).toBe("");
    expect(cut.choices[0]?.finish_reason).toBe("length");
  });

  it("reports cached tokens only for long prompts with x-simulator-cache: hit", async () => {
    const body = { model: "gpt-4.1", messages: userMessage("padding ".repeat(700)) };
    const hit = await complete(body, { "x-simulator-cache": "hit" });
    const prompt = hit.usage.prompt_tokens;
    expect(prompt).toBeGreaterThanOrEqual(1024);
    expect(hit.usage.prompt_tokens_details.cached_tokens).toBe(Math.floor(prompt / 128) * 128 - 128);
    const miss = await complete(body);
    expect(miss.usage.prompt_tokens_details.cached_tokens).toBe(0);
    const short = await complete(
      { model: "gpt-4.1", messages: userMessage("hi") },
      { "x-simulator-cache": "hit" },
    );
    expect(short.usage.prompt_tokens_details.cached_tokens).toBe(0);
  });

  it("grows prompt_tokens with the prompt, about four characters per token", async () => {
    const small = await complete({ model: "gpt-4o-mini", messages: userMessage("a".repeat(40)) });
    const large = await complete({ model: "gpt-4o-mini", messages: userMessage("a".repeat(400)) });
    expect(large.usage.prompt_tokens - small.usage.prompt_tokens).toBe(90);
  });

  it("answers with multibyte UTF-8 for some prompts", async () => {
    const contents: string[] = [];
    for (let i = 0; i < 10; i++) {
      const result = await complete({ model: "gpt-4o-mini", messages: userMessage(`prompt ${i}`) });
      contents.push(result.choices[0]?.message.content ?? "");
    }
    const multibyte = contents.filter((content) => Buffer.byteLength(content) > content.length);
    expect(multibyte.length).toBeGreaterThan(0);
  });
});
