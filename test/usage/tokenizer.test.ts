import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ToolCallText } from "../../src/usage/generated-output.js";
import {
  encodingFor,
  estimateCompletionTokens,
  estimatePromptTokens,
  estimateToolCallTokens,
} from "../../src/usage/tokenizer.js";

// Real OpenAI transcripts (see PROVENANCE.md there); they live beside the repo, not in it.
const fixtures = new URL("../fixtures/openai/", import.meta.url);

interface Transcript {
  readonly model: string;
  readonly request: Record<string, unknown>;
  readonly usage: NonNullable<Chunk["usage"]>;
  readonly reasoningTokens: number;
  readonly content: string;
  readonly toolCalls: readonly ToolCallText[];
}

interface Message {
  readonly content?: string | null;
  readonly tool_calls?: { index?: number; function: { name?: string; arguments?: string } }[];
}
interface Choice {
  readonly delta?: Message;
  readonly message?: Message;
  readonly text?: string;
}
interface Chunk {
  readonly usage?:
    | (Record<string, number> & { completion_tokens_details?: { reasoning_tokens: number } })
    | null;
  readonly choices?: readonly Choice[];
}

function readTranscript(file: string): Transcript {
  const recorded = JSON.parse(readFileSync(new URL(file, fixtures), "utf8"));
  const request = JSON.parse(recorded.request.body);
  const chunks: Chunk[] = recorded.response.is_sse
    ? recorded.response.body
        .split("\n")
        .filter((line: string) => line.startsWith("data: {"))
        .map((line: string) => JSON.parse(line.slice(6)))
    : [JSON.parse(recorded.response.body)];
  const usage = chunks.findLast((chunk) => chunk.usage)?.usage ?? {};
  const messages = chunks.flatMap((chunk) =>
    (chunk.choices ?? []).map((c): Message => c.delta ?? c.message ?? { content: c.text }),
  );
  const calls: { name: string; arguments: string }[] = [];
  for (const call of messages.flatMap((message) => message.tool_calls ?? [])) {
    if (call.function.name) calls[call.index ?? calls.length] = { name: call.function.name, arguments: "" };
    const target = calls[call.index ?? calls.length - 1];
    if (target) target.arguments += call.function.arguments ?? "";
  }
  return {
    model: request.model,
    request,
    usage,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    content: messages.map((message) => message.content ?? "").join(""),
    toolCalls: calls,
  };
}

/** Within 10% of the reported count, or 3 tokens for tiny prompts. */
function expectClose(estimate: number, reported: number, slack: number): void {
  expect(Math.abs(estimate - reported)).toBeLessThanOrEqual(Math.max(reported * 0.1, slack));
}

describe.skipIf(!existsSync(fixtures))("estimates against recorded OpenAI usage", () => {
  it.each([
    "01_chat_nonstream_gpt-4o-mini_basic.json",
    "02_chat_nonstream_gpt-4o-mini_exact_bytes.json",
    "06_chat_nonstream_gpt-4.1_cached_tokens.json",
    "07_chat_nonstream_gpt-4.1_tool_calls_cached.json",
    "08_chat_nonstream_gpt-4o-mini_n2.json",
    "10_chat_stream_gpt-4_include_usage.json",
    "12_chat_stream_gpt-4o-mini_include_usage.json",
    "13_chat_stream_gpt-4.1_include_usage_cached_obfuscation.json",
    "16_chat_stream_gpt-4o-mini_parallel_tool_calls_include_usage.json",
    "17_chat_stream_gpt-4o-mini_n2_include_usage.json",
    "19_chat_stream_gpt-4o_include_usage_cached_length.json",
    "50_legacy_completions_nonstream_babbage.json",
    "51_legacy_completions_stream_include_usage.json",
  ])("%s: prompt and completion", (file) => {
    const transcript = readTranscript(file);
    const reported = transcript.usage;
    expect(transcript.reasoningTokens).toBe(0);
    expectClose(estimatePromptTokens(transcript.model, transcript.request), reported.prompt_tokens ?? -1, 3);
    const completion =
      estimateCompletionTokens(transcript.model, transcript.content) +
      estimateToolCallTokens(transcript.model, transcript.toolCalls);
    expectClose(completion, reported.completion_tokens ?? -1, 0);
  });

  it.each([
    "03_chat_nonstream_o1-mini_reasoning_tokens.json",
    "04_chat_nonstream_o3-mini_reasoning_tokens.json",
    "05_chat_nonstream_gpt-5-nano_reasoning_tokens.json",
    "14_chat_stream_gpt-5-nano_include_usage_reasoning_length.json",
    "31_embeddings_float_dimensions.json",
    "32_embeddings_base64.json",
  ])("%s: prompt", (file) => {
    const transcript = readTranscript(file);
    expectClose(
      estimatePromptTokens(transcript.model, transcript.request),
      transcript.usage.prompt_tokens ?? -1,
      3,
    );
  });

  it("matches the cookbook count exactly for a one-message chat", () => {
    const { model, request } = readTranscript("01_chat_nonstream_gpt-4o-mini_basic.json");
    expect(estimatePromptTokens(model, request)).toBe(12);
  });
});

describe("encodingFor", () => {
  it.each([
    ["gpt-4o-mini", "o200k_base"],
    ["gpt-4o-2024-08-06", "o200k_base"],
    ["openai/gpt-4.1-nano", "o200k_base"],
    ["o1-mini", "o200k_base"],
    ["o3", "o200k_base"],
    ["o4-mini", "o200k_base"],
    ["gpt-5.2", "o200k_base"],
    ["gpt-4", "cl100k_base"],
    ["gpt-4-turbo", "cl100k_base"],
    ["gpt-3.5-turbo-0125", "cl100k_base"],
    ["text-embedding-3-small", "cl100k_base"],
    ["babbage-002", "cl100k_base"],
    ["llama-3.1-70b", "cl100k_base"],
    ["omni-moderation-latest", "cl100k_base"],
  ])("%s uses %s", (model, encoding) => {
    expect(encodingFor(model)).toBe(encoding);
  });
});

describe("estimatePromptTokens", () => {
  const model = "gpt-4o-mini";
  const text = "Say this is a test";
  const textTokens = estimateCompletionTokens(model, text);
  const chat = (...messages: unknown[]): number => estimatePromptTokens(model, { model, messages });

  it("wraps each chat message in 3 tokens plus its role, and primes the reply with 3", () => {
    expect(textTokens).toBe(5);
    expect(chat({ role: "user", content: text })).toBe(3 + 1 + textTokens + 3);
    expect(chat({ role: "system", content: text }, { role: "user", content: text })).toBe(
      2 * (4 + textTokens) + 3,
    );
  });

  it("counts the text parts of array content and skips images", () => {
    const parts = [
      { type: "text", text: "Say this " },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
      { type: "text", text: "is a test" },
    ];
    expect(chat({ role: "user", content: parts })).toBe(chat({ role: "user", content: text }));
  });

  it("adds a name, tool calls and tool results", () => {
    const plain = chat({ role: "user", content: text });
    expect(chat({ role: "user", content: text, name: "bob" })).toBe(plain + 1 + 1);
    const call = { type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } };
    expect(chat({ role: "assistant", content: null, tool_calls: [call] })).toBeGreaterThan(10);
    expect(chat({ role: "tool", tool_call_id: "call_1", content: text })).toBe(plain);
  });

  it("adds tool definitions, for chat and Responses shapes alike", () => {
    const parameters = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const messages = [{ role: "user", content: text }];
    const withTools = estimatePromptTokens(model, {
      messages,
      tools: [{ type: "function", function: { name: "get_weather", parameters } }],
    });
    expect(withTools).toBeGreaterThan(chat(...messages) + 9);
    const responses = estimatePromptTokens(model, {
      input: text,
      tools: [{ type: "function", name: "get_weather", parameters }],
    });
    expect(responses).toBe(withTools);
  });

  it("survives tool schemas it cannot render", () => {
    const tools = [
      { type: "function", function: { name: "f", parameters: { type: "object", properties: { a: null } } } },
    ];
    expect(estimatePromptTokens(model, { messages: [], tools })).toBeGreaterThan(3);
  });

  it("treats Responses instructions as a developer message and string input as a user message", () => {
    const responses = estimatePromptTokens(model, { model, input: text, instructions: "Be brief." });
    expect(responses).toBe(
      chat({ role: "developer", content: "Be brief." }, { role: "user", content: text }),
    );
    const items = [{ role: "user", content: [{ type: "input_text", text }] }];
    expect(estimatePromptTokens(model, { model, input: items })).toBe(chat({ role: "user", content: text }));
  });

  it("counts Responses function calls and their outputs", () => {
    const items = [
      { role: "user", content: text },
      { type: "function_call", call_id: "c1", name: "dice_roll", arguments: "{}" },
      { type: "function_call_output", call_id: "c1", output: '{"roll":1}' },
    ];
    expect(estimatePromptTokens(model, { input: items })).toBeGreaterThan(
      chat({ role: "user", content: text }) + 6,
    );
  });

  it("counts completions prompts and embeddings inputs without message framing", () => {
    expect(estimatePromptTokens("gpt-3.5-turbo-instruct", { prompt: text })).toBe(5);
    expect(estimatePromptTokens("davinci-002", { prompt: [text, text] })).toBe(10);
    expect(estimatePromptTokens("babbage-002", { prompt: [1, 2, 3] })).toBe(3);
    expect(estimatePromptTokens("text-embedding-3-small", { input: text })).toBe(5);
    expect(estimatePromptTokens("text-embedding-3-small", { input: [text, text] })).toBe(10);
    expect(estimatePromptTokens("text-embedding-3-small", { input: [[1, 2], [3]] })).toBe(3);
    expect(estimatePromptTokens("my-embedder", { input: [text], encoding_format: "float" })).toBe(5);
  });

  it("counts special-token text as plain text instead of throwing", () => {
    expect(estimatePromptTokens(model, { input: "<|endoftext|>", dimensions: 8 })).toBeGreaterThan(1);
  });

  it("is 0 for bodies it cannot read", () => {
    expect(estimatePromptTokens(model, undefined)).toBe(0);
    expect(estimatePromptTokens(model, "not json")).toBe(0);
    expect(estimatePromptTokens(model, { prompt: 42 })).toBe(0);
  });
});

describe("estimateToolCallTokens", () => {
  it("is 0 without calls", () => {
    expect(estimateToolCallTokens("gpt-4o", [])).toBe(0);
  });

  it("wraps parallel calls, even with arguments that are not JSON", () => {
    const call = { name: "get_weather", arguments: '{"city":"Paris"}' };
    const single = estimateToolCallTokens("gpt-4o", [call]);
    expect(estimateToolCallTokens("gpt-4o", [call, call])).toBeGreaterThan(2 * single);
    expect(estimateToolCallTokens("gpt-4o", [call, { name: "x", arguments: '{"trunc' }])).toBeGreaterThan(
      single,
    );
  });
});

describe("bodies nested thousands deep (JSON.parse reads them, JSON.stringify throws RangeError)", () => {
  const nested = JSON.parse(`${"[".repeat(20_000)}${"]".repeat(20_000)}`) as unknown;

  it("a prompt or input nested deep counts only the levels the API defines", () => {
    expect(estimatePromptTokens("gpt-4o-mini", { prompt: nested })).toBe(0);
    expect(estimatePromptTokens("text-embedding-3-small", { input: ["hi", nested] })).toBeGreaterThan(0);
  });

  it("a tool schema nested deep counts its framing instead of throwing", () => {
    const depth = 20_000;
    const schema = `${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"string"}${"}}".repeat(depth)}`;
    const tools = [{ type: "function", function: { name: "f", parameters: JSON.parse(schema) } }];
    const messages = [{ role: "user", content: "hi" }];
    expect(estimatePromptTokens("gpt-4o-mini", { messages, tools })).toBeGreaterThan(0);
  });

  it("tool call arguments nested deep count as their raw text", () => {
    const args = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    const calls = [
      { name: "a", arguments: args },
      { name: "b", arguments: "{}" },
    ];
    expect(estimateToolCallTokens("gpt-4o-mini", calls)).toBeGreaterThan(0);
  });
});
