import { describe, expect, it } from "vitest";
import { completionsExtractor } from "../../src/usage/completions.js";
import { loadTranscript, observeChunks, sseBytes } from "../helpers/fixtures.js";

const body50 = (): unknown =>
  JSON.parse(loadTranscript("50_legacy_completions_nonstream_babbage").response.body);

describe("legacy completions", () => {
  it("50: usage of a key-sorted body", () => {
    expect(completionsExtractor.fromBody(body50())).toEqual({
      promptTokens: 31,
      completionTokens: 25,
      cachedTokens: 0,
      reasoningTokens: 0,
    });
  });

  it("50: the generated text, per choice", () => {
    expect(completionsExtractor.textOfBody(body50())).toEqual([
      { text: " + fib(n-3) + fib(n-4)\n\ndef fib(n):\n    if n <= 1:\n        return", toolCalls: [] },
    ]);
  });

  it("51: the usage chunk with empty choices ends the stream; the first text delta is the first token", () => {
    expect(
      observeChunks(completionsExtractor, [sseBytes("51_legacy_completions_stream_include_usage")]),
    ).toEqual({
      usage: { promptTokens: 31, completionTokens: 25, cachedTokens: 0, reasoningTokens: 0 },
      firstTokens: 1,
      output: undefined,
    });
  });

  it("a stream without usage keeps each choice's text for an estimate", () => {
    const chunk = (index: number, text: string) =>
      `data: {"choices":[{"index":${index},"text":${JSON.stringify(text)}}]}\n\n`;
    const sse = [chunk(0, "Hello"), chunk(1, "Hi"), chunk(0, " there"), "data: [DONE]\n\n"].join("");
    const observed = observeChunks(completionsExtractor, [Buffer.from(sse)]);
    expect(observed.firstTokens).toBe(1);
    expect(observed.output).toEqual([
      { text: "Hello there", toolCalls: [] },
      { text: "Hi", toolCalls: [] },
    ]);
  });

  it("is empty for a body that is not a completion", () => {
    expect(completionsExtractor.textOfBody("text")).toEqual([]);
    expect(completionsExtractor.fromBody({ usage: "none" })).toBeUndefined();
  });
});
