import { describe, expect, it } from "vitest";
import {
  isCountableUsage,
  readAnyUsage,
  readInputOutputUsage,
  readPromptCompletionUsage,
  usageOfBody,
} from "../../src/usage/read-usage.js";
import type { Usage } from "../../src/usage/types.js";
import { loadTranscript } from "../helpers/fixtures.js";

const usageOf = (name: string): unknown =>
  (JSON.parse(loadTranscript(name).response.body) as { usage: unknown }).usage;

describe("readPromptCompletionUsage (chat, legacy completions, embeddings)", () => {
  it("reads 06's cached tokens and 03's reasoning tokens from their details", () => {
    expect(readPromptCompletionUsage(usageOf("06_chat_nonstream_gpt-4.1_cached_tokens"))).toEqual({
      promptTokens: 1144,
      completionTokens: 2,
      cachedTokens: 1024,
      reasoningTokens: 0,
    });
    expect(readPromptCompletionUsage(usageOf("03_chat_nonstream_o1-mini_reasoning_tokens"))).toMatchObject({
      completionTokens: 84,
      reasoningTokens: 64,
    });
  });

  it("reads 31's embeddings usage (no completion tokens) and 50's key-sorted one", () => {
    expect(readPromptCompletionUsage(usageOf("31_embeddings_float_dimensions"))).toMatchObject({
      promptTokens: 8,
      completionTokens: 0,
    });
    expect(readPromptCompletionUsage(usageOf("50_legacy_completions_nonstream_babbage"))).toMatchObject({
      promptTokens: 31,
      completionTokens: 25,
    });
  });

  it("caps details at their totals", () => {
    const usage = { prompt_tokens: 10, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 99 } };
    expect(readPromptCompletionUsage(usage)).toEqual({
      promptTokens: 10,
      completionTokens: 3,
      cachedTokens: 10,
      reasoningTokens: 0,
    });
  });

  it("repairs nothing: a count that is not a non-negative safe integer makes the block uncountable", () => {
    const blocks = [
      { prompt_tokens: 1e308, completion_tokens: 1e308 },
      { prompt_tokens: 10.7, completion_tokens: 1 },
      { prompt_tokens: 10, completion_tokens: -3 },
      { prompt_tokens: 10, completion_tokens: 2 ** 53 },
      { prompt_tokens: "10", completion_tokens: 1 },
      { prompt_tokens: 10, completion_tokens: 1, completion_tokens_details: { reasoning_tokens: -1 } },
      { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 0.5 } },
    ];
    for (const block of blocks) {
      const usage = readPromptCompletionUsage(block);
      expect(usage, JSON.stringify(block)).toBeDefined();
      expect(isCountableUsage(usage as Usage), JSON.stringify(block)).toBe(false);
    }
    const input = readInputOutputUsage({ input_tokens: 1e308, output_tokens: 1 });
    expect(isCountableUsage(input as Usage)).toBe(false);
  });

  it("counts null details and null totals as absent", () => {
    const usage = readPromptCompletionUsage({
      prompt_tokens: 5,
      completion_tokens: null,
      prompt_tokens_details: { cached_tokens: null },
    });
    expect(usage).toEqual({ promptTokens: 5, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 });
    expect(isCountableUsage(usage as Usage)).toBe(true);
    expect(isCountableUsage({ ...(usage as Usage), promptTokens: Number.MAX_SAFE_INTEGER })).toBe(true);
  });

  it("has no usage for null, a non-object, a block without counts, or a block of zeros", () => {
    for (const usage of [
      null,
      undefined,
      "12",
      {},
      { total_tokens: 5 },
      { prompt_tokens: 0, completion_tokens: 0 },
    ]) {
      expect(readPromptCompletionUsage(usage), JSON.stringify(usage)).toBeUndefined();
    }
  });
});

describe("readInputOutputUsage (Responses API)", () => {
  it("reads 46's cached and reasoning tokens, ignoring cache_write_tokens", () => {
    expect(
      readInputOutputUsage(usageOf("46_responses_nonstream_gpt-5-nano_tools_cached_and_reasoning")),
    ).toEqual({
      promptTokens: 1586,
      completionTokens: 393,
      cachedTokens: 1536,
      reasoningTokens: 320,
    });
  });

  it("has no usage for 45's block of zeros, nor for a chat-shaped block", () => {
    const zeros = {
      input_tokens: 0,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 0,
      total_tokens: 0,
    };
    expect(readInputOutputUsage(zeros)).toBeUndefined();
    expect(readInputOutputUsage({ prompt_tokens: 3, completion_tokens: 1 })).toBeUndefined();
  });
});

describe("readAnyUsage and usageOfBody", () => {
  it("read either shape, from the usage or from the whole body", () => {
    const expected = { promptTokens: 44, completionTokens: 288, cachedTokens: 0, reasoningTokens: 9 };
    const responses = JSON.parse(
      loadTranscript("40_responses_nonstream_gpt-5.4_reasoning_tokens").response.body,
    );
    expect(readAnyUsage(responses.usage)).toEqual(expected);
    expect(usageOfBody(responses)).toEqual(expected);
    expect(readAnyUsage(usageOf("01_chat_nonstream_gpt-4o-mini_basic"))).toMatchObject({ promptTokens: 12 });
    expect(usageOfBody("not a body")).toBeUndefined();
  });
});
