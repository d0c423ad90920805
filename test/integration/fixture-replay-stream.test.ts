import { afterAll, beforeAll, describe, it } from "vitest";
import { expectFaithfulReplay, type ReplayCase } from "../helpers/replay-accounting.js";
import { type ReplayStack, startReplayStack } from "../helpers/replay-upstream.js";

let replay: ReplayStack;
beforeAll(async () => {
  replay = await startReplayStack();
});
afterAll(() => replay.close());

type Case = Omit<ReplayCase, "stream">;

// Streams whose request already asked for include_usage: the proxy changes neither the request nor
// a byte of the stream, and reads the usage chunk on the side. Prices per million tokens: gpt-4
// 30.00 / 60.00, gpt-4o-mini 0.15 / 0.60, gpt-4.1 2.00 / cached 0.50 / 8.00, gpt-5-nano 0.05 / 0.40,
// gpt-4o 2.50 / cached 1.25 / 10.00, babbage-002 0.40 / 0.40.
const cases: Case[] = [
  // 10: (12×30 + 5×60)/1e6
  {
    name: "10_chat_stream_gpt-4_include_usage",
    model: "gpt-4",
    endpoint: "chat_completions",
    prompt: 12,
    completion: 5,
    cost: (12 * 30 + 5 * 60) / 1e6,
    ttft: 1,
    limits: [10000, 9999, 10000, 9978],
  },
  // 12: (22×0.15 + 3×0.60)/1e6
  {
    name: "12_chat_stream_gpt-4o-mini_include_usage",
    model: "gpt-4o-mini",
    endpoint: "chat_completions",
    prompt: 22,
    completion: 3,
    cost: (22 * 0.15 + 3 * 0.6) / 1e6,
    ttft: 1,
    limits: [10000, 9992, 200000, 199968],
  },
  // 13: obfuscation padding, 1144 prompt of which 1024 cached: (120×2.00 + 1024×0.50 + 2×8.00)/1e6
  {
    name: "13_chat_stream_gpt-4.1_include_usage_cached_obfuscation",
    model: "gpt-4.1",
    endpoint: "chat_completions",
    prompt: 1144,
    completion: 2,
    cached: 1024,
    cost: (120 * 2 + 1024 * 0.5 + 2 * 8) / 1e6,
    ttft: 1,
  },
  // 14: all 100 completion tokens are hidden reasoning, no content delta, so no first token:
  // (12×0.05 + 100×0.40)/1e6
  {
    name: "14_chat_stream_gpt-5-nano_include_usage_reasoning_length",
    model: "gpt-5-nano",
    endpoint: "chat_completions",
    prompt: 12,
    completion: 100,
    reasoning: 100,
    cost: (12 * 0.05 + 100 * 0.4) / 1e6,
    ttft: 0,
    limits: [500, 499, 200000, 199992],
  },
  // 16: two parallel tool calls, the first token is the first tool_calls delta: (75×0.15 + 51×0.60)/1e6
  {
    name: "16_chat_stream_gpt-4o-mini_parallel_tool_calls_include_usage",
    model: "gpt-4o-mini",
    endpoint: "chat_completions",
    prompt: 75,
    completion: 51,
    cost: (75 * 0.15 + 51 * 0.6) / 1e6,
    ttft: 1,
    limits: [10000, 9992, 200000, 199961],
  },
  // 17: n=2 interleaved, one usage chunk for both choices, one first token: (26×0.15 + 104×0.60)/1e6
  {
    name: "17_chat_stream_gpt-4o-mini_n2_include_usage",
    model: "gpt-4o-mini",
    endpoint: "chat_completions",
    prompt: 26,
    completion: 104,
    cost: (26 * 0.15 + 104 * 0.6) / 1e6,
    ttft: 1,
    limits: [10000, 9993, 200000, 199945],
  },
  // 19: 1420 prompt of which 1280 cached, cut at max_tokens: (140×2.50 + 1280×1.25 + 100×10.00)/1e6
  {
    name: "19_chat_stream_gpt-4o_include_usage_cached_length",
    model: "gpt-4o",
    endpoint: "chat_completions",
    prompt: 1420,
    completion: 100,
    cached: 1280,
    cost: (140 * 2.5 + 1280 * 1.25 + 100 * 10) / 1e6,
    ttft: 1,
    limits: [10000, 9999, 30000000, 29997985],
  },
  // 51: legacy completions stream, usage chunk with "choices":[]: (31×0.40 + 25×0.40)/1e6
  {
    name: "51_legacy_completions_stream_include_usage",
    model: "babbage-002",
    endpoint: "completions",
    prompt: 31,
    completion: 25,
    cost: (31 * 0.4 + 25 * 0.4) / 1e6,
    ttft: 1,
    limits: [3000, 2999, 250000, 249977],
  },
];

describe("streams that asked for include_usage, through the proxy", () => {
  it.each(cases)("$name: byte-identical stream and request; exact accounting", async (c) => {
    await expectFaithfulReplay(replay, { ...c, stream: true });
  });
});
