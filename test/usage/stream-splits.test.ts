import { describe, expect, it } from "vitest";
import { chatExtractor } from "../../src/usage/chat.js";
import { completionsExtractor } from "../../src/usage/completions.js";
import { responsesExtractor } from "../../src/usage/responses.js";
import type { Usage, UsageExtractor } from "../../src/usage/types.js";
import { observeChunks, randomChunks, sseBytes } from "../helpers/fixtures.js";
import { usageOf } from "../helpers/stream-helpers.js";

const usage = usageOf;

interface StreamCase {
  readonly name: string;
  readonly extractor: UsageExtractor;
  /** The usage the stream reports; undefined for streams without usage (and 45's zeros). */
  readonly usage: Usage | undefined;
  /** 1 when the stream carries content; 14's reasoning-only stream carries none. */
  readonly firstTokens: 0 | 1;
}

const streams: StreamCase[] = [
  {
    name: "10_chat_stream_gpt-4_include_usage",
    extractor: chatExtractor,
    usage: usage(12, 5),
    firstTokens: 1,
  },
  { name: "11_chat_stream_gpt-4_no_usage", extractor: chatExtractor, usage: undefined, firstTokens: 1 },
  {
    name: "12_chat_stream_gpt-4o-mini_include_usage",
    extractor: chatExtractor,
    usage: usage(22, 3),
    firstTokens: 1,
  },
  {
    name: "13_chat_stream_gpt-4.1_include_usage_cached_obfuscation",
    extractor: chatExtractor,
    usage: usage(1144, 2, 1024),
    firstTokens: 1,
  },
  {
    name: "14_chat_stream_gpt-5-nano_include_usage_reasoning_length",
    extractor: chatExtractor,
    usage: usage(12, 100, 0, 100),
    firstTokens: 0,
  },
  { name: "15_chat_stream_gpt-5-nano_no_usage", extractor: chatExtractor, usage: undefined, firstTokens: 1 },
  {
    name: "16_chat_stream_gpt-4o-mini_parallel_tool_calls_include_usage",
    extractor: chatExtractor,
    usage: usage(75, 51),
    firstTokens: 1,
  },
  {
    name: "17_chat_stream_gpt-4o-mini_n2_include_usage",
    extractor: chatExtractor,
    usage: usage(26, 104),
    firstTokens: 1,
  },
  {
    name: "18_chat_stream_gpt-4o-mini_parallel_tool_calls_no_usage",
    extractor: chatExtractor,
    usage: undefined,
    firstTokens: 1,
  },
  {
    name: "19_chat_stream_gpt-4o_include_usage_cached_length",
    extractor: chatExtractor,
    usage: usage(1420, 100, 1280),
    firstTokens: 1,
  },
  {
    name: "42_responses_stream_gpt-4o-mini",
    extractor: responsesExtractor,
    usage: usage(22, 6),
    firstTokens: 1,
  },
  {
    name: "43_responses_stream_gpt-5-nano_reasoning",
    extractor: responsesExtractor,
    usage: usage(13, 284, 0, 256),
    firstTokens: 1,
  },
  {
    name: "44_responses_stream_gpt-4o_cached",
    extractor: responsesExtractor,
    usage: usage(1515, 8, 1390),
    firstTokens: 1,
  },
  {
    name: "45_responses_stream_incomplete_max_output_tokens",
    extractor: responsesExtractor,
    usage: undefined,
    firstTokens: 1,
  },
  {
    name: "51_legacy_completions_stream_include_usage",
    extractor: completionsExtractor,
    usage: usage(31, 25),
    firstTokens: 1,
  },
];

const byName = (name: string) => streams.find((stream) => stream.name.startsWith(name)) as StreamCase;

describe("stream observers fed the recorded streams", () => {
  it.each(streams)("$name, whole: the recorded usage and first-token count", (c) => {
    const observed = observeChunks(c.extractor, [sseBytes(c.name)]);
    expect(observeChunks(c.extractor, [sseBytes(c.name)], true)).toEqual(observed);
    expect(observed.usage).toEqual(c.usage);
    expect(observed.firstTokens).toBe(c.firstTokens);
    // The output is kept for an estimate exactly when there is no usage to read.
    expect(observed.output === undefined).toBe(c.usage !== undefined);
  });

  it.each(streams)("$name, in 25 random chunkings of 1-64 bytes: the same observation", (c) => {
    const bytes = sseBytes(c.name);
    const whole = observeChunks(c.extractor, [bytes]);
    for (let seed = 1; seed <= 25; seed++) {
      expect(observeChunks(c.extractor, randomChunks(bytes, seed)), `seed ${seed}`).toEqual(whole);
    }
  });

  it.each(["12", "16", "43"])("%s, split in two at every byte position: the same observation", (prefix) => {
    const c = byName(prefix);
    const bytes = sseBytes(c.name);
    const whole = observeChunks(c.extractor, [bytes]);
    expect(whole.usage).toEqual(c.usage);
    expect(whole.firstTokens).toBe(1);
    const expected = JSON.stringify(whole);
    for (const filterUsage of [false, true]) {
      for (let at = 0; at <= bytes.length; at++) {
        const split = observeChunks(c.extractor, [bytes.subarray(0, at), bytes.subarray(at)], filterUsage);
        // Compared as text first: thousands of deep equality assertions would dominate the run time.
        if (JSON.stringify(split) !== expected)
          expect(split, `split at ${at}, filter ${filterUsage}`).toEqual(whole);
      }
    }
  });

  it("counts the first token of a byte-by-byte stream once (16, tool-call deltas)", () => {
    const bytes = sseBytes(byName("16").name);
    const chunks = [...bytes].map((byte) => Uint8Array.of(byte));
    expect(observeChunks(chatExtractor, chunks)).toEqual(observeChunks(chatExtractor, [bytes]));
  });
});
