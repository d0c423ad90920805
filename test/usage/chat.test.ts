import { describe, expect, it } from "vitest";
import { chatExtractor } from "../../src/usage/chat.js";
import { loadTranscript, observeChunks, sseBytes } from "../helpers/fixtures.js";

const body = (name: string): unknown => JSON.parse(loadTranscript(name).response.body);

describe("chat completions: usage of a whole body", () => {
  it.each([
    ["01_chat_nonstream_gpt-4o-mini_basic", [12, 5, 0, 0]],
    ["02_chat_nonstream_gpt-4o-mini_exact_bytes", [12, 15, 0, 0]],
    ["03_chat_nonstream_o1-mini_reasoning_tokens", [14, 84, 0, 64]],
    ["04_chat_nonstream_o3-mini_reasoning_tokens", [13, 81, 0, 64]],
    ["05_chat_nonstream_gpt-5-nano_reasoning_tokens", [27, 267, 0, 192]],
    ["06_chat_nonstream_gpt-4.1_cached_tokens", [1144, 2, 1024, 0]],
    ["07_chat_nonstream_gpt-4.1_tool_calls_cached", [1187, 14, 1152, 0]],
    ["08_chat_nonstream_gpt-4o-mini_n2", [12, 24, 0, 0]],
    ["09_chat_nonstream_gpt-4o-audio-preview_audio_input", [28, 17, 0, 0]],
    ["09b_chat_nonstream_gpt-4o-mini-audio-preview_audio_output", [22, 18, 0, 0]],
  ] as const)("%s", (name, [promptTokens, completionTokens, cachedTokens, reasoningTokens]) => {
    expect(chatExtractor.fromBody(body(name))).toEqual({
      promptTokens,
      completionTokens,
      cachedTokens,
      reasoningTokens,
    });
  });

  it("has no usage in an error body", () => {
    expect(chatExtractor.fromBody(body("20_error_400_unsupported_parameter_chat"))).toBeUndefined();
  });
});

describe("chat completions: what a body generated, for estimates", () => {
  it("keeps each choice's text apart (08, n=2)", () => {
    const text = "This is a test. How can I assist you further?";
    expect(chatExtractor.textOfBody(body("08_chat_nonstream_gpt-4o-mini_n2"))).toEqual([
      { text, toolCalls: [] },
      { text, toolCalls: [] },
    ]);
  });

  it("keeps tool calls apart from the text (07, content null)", () => {
    expect(chatExtractor.textOfBody(body("07_chat_nonstream_gpt-4.1_tool_calls_cached"))).toEqual([
      { text: "", toolCalls: [{ name: "get_weather", arguments: '{"location":"Paris"}' }] },
    ]);
  });

  it("reads refusals, reasoning_content and the legacy function_call", () => {
    const message = {
      content: "a",
      refusal: "b",
      reasoning_content: "c",
      function_call: { name: "f", arguments: "{}" },
    };
    expect(chatExtractor.textOfBody({ choices: [{ message }] })).toEqual([
      { text: "abc", toolCalls: [{ name: "f", arguments: "{}" }] },
    ]);
  });

  it("is empty for a body that is not a completion", () => {
    expect(chatExtractor.textOfBody(null)).toEqual([]);
    expect(chatExtractor.textOfBody({ choices: "nope" })).toEqual([]);
  });
});

describe("chat completions: what a stream without usage generated", () => {
  it("11: the content deltas joined", () => {
    const { output } = observeChunks(chatExtractor, [sseBytes("11_chat_stream_gpt-4_no_usage")]);
    expect(output).toEqual([{ text: "This is a test.", toolCalls: [] }]);
  });

  it("18: two parallel calls assembled from their fragments, by index", () => {
    const { output } = observeChunks(chatExtractor, [
      sseBytes("18_chat_stream_gpt-4o-mini_parallel_tool_calls_no_usage"),
    ]);
    expect(output).toEqual([
      {
        text: "",
        toolCalls: [
          { name: "get_weather", arguments: '{"location": "New York City"}' },
          { name: "get_weather", arguments: '{"location": "London"}' },
        ],
      },
    ]);
  });

  it("interleaved choices (n=2) each get their own text and calls", () => {
    const chunk = (choices: unknown[]) => `data: ${JSON.stringify({ choices })}\n\n`;
    const sse = [
      chunk([{ index: 0, delta: { role: "assistant", content: "" } }]),
      chunk([{ index: 1, delta: { content: "B1" } }]),
      chunk([{ index: 0, delta: { content: "A1" } }]),
      chunk([
        { index: 1, delta: { tool_calls: [{ index: 0, function: { name: "g", arguments: '{"x"' } }] } },
      ]),
      chunk([{ index: 0, delta: { content: " A2" } }]),
      chunk([{ index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: ":1}" } }] } }]),
      "data: [DONE]\n\n",
    ].join("");
    const observed = observeChunks(chatExtractor, [Buffer.from(sse)]);
    expect(observed.firstTokens).toBe(1);
    expect(observed.output).toEqual([
      { text: "A1 A2", toolCalls: [] },
      { text: "B1", toolCalls: [{ name: "g", arguments: '{"x":1}' }] },
    ]);
  });

  it("a role-only first chunk is no first token; an empty stream yields no output", () => {
    const roleOnly = 'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n';
    expect(observeChunks(chatExtractor, [Buffer.from(roleOnly)])).toEqual({
      usage: undefined,
      firstTokens: 0,
      output: [],
    });
    expect(observeChunks(chatExtractor, []).output).toBeUndefined();
  });
});
