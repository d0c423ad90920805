import { afterAll, beforeAll, describe, it } from "vitest";
import { expectFaithfulReplay, type ReplayCase } from "../helpers/replay-accounting.js";
import { type ReplayStack, startReplayStack } from "../helpers/replay-upstream.js";

let replay: ReplayStack;
beforeAll(async () => {
  replay = await startReplayStack();
});
afterAll(() => replay.close());

type Case = Omit<ReplayCase, "endpoint">;

// The Responses API bills input/output tokens (input_tokens_details.cached_tokens,
// output_tokens_details.reasoning_tokens); it takes no stream_options, so no request is changed.
// Prices per million tokens: gpt-5.4 2.50 / cached 0.25 / 15.00, gpt-4.1 2.00 / 0.50 / 8.00,
// gpt-4o-mini 0.15 / 0.60, gpt-5-nano 0.05 / 0.005 / 0.40, gpt-4o 2.50 / 1.25 / 10.00.
// 45 (response.incomplete with a usage of zeros) is estimated: see fixture-replay-estimated.
const cases: Case[] = [
  // 40: 288 output of which 9 reasoning: (44×2.50 + 288×15.00)/1e6
  {
    name: "40_responses_nonstream_gpt-5.4_reasoning_tokens",
    model: "gpt-5.4",
    stream: false,
    prompt: 44,
    completion: 288,
    reasoning: 9,
    cost: (44 * 2.5 + 288 * 15) / 1e6,
    limits: [500, 499, 500000, 499875],
  },
  // 41: 1144 input of which 1024 cached, 3 output: (120×2.00 + 1024×0.50 + 3×8.00)/1e6
  {
    name: "41_responses_nonstream_gpt-4.1_cached_tokens",
    model: "gpt-4.1",
    stream: false,
    prompt: 1144,
    completion: 3,
    cached: 1024,
    cost: (120 * 2 + 1024 * 0.5 + 3 * 8) / 1e6,
  },
  // 42: usage on response.completed, no [DONE]: (22×0.15 + 6×0.60)/1e6
  {
    name: "42_responses_stream_gpt-4o-mini",
    model: "gpt-4o-mini",
    stream: true,
    prompt: 22,
    completion: 6,
    cost: (22 * 0.15 + 6 * 0.6) / 1e6,
    ttft: 1,
  },
  // 43: reasoning item first, then text; 284 output of which 256 reasoning: (13×0.05 + 284×0.40)/1e6
  {
    name: "43_responses_stream_gpt-5-nano_reasoning",
    model: "gpt-5-nano",
    stream: true,
    prompt: 13,
    completion: 284,
    reasoning: 256,
    cost: (13 * 0.05 + 284 * 0.4) / 1e6,
    ttft: 1,
    limits: [5000, 4999, 2000000, 1999770],
  },
  // 44: 1515 input of which 1390 cached: (125×2.50 + 1390×1.25 + 8×10.00)/1e6
  {
    name: "44_responses_stream_gpt-4o_cached",
    model: "gpt-4o",
    stream: true,
    prompt: 1515,
    completion: 8,
    cached: 1390,
    cost: (125 * 2.5 + 1390 * 1.25 + 8 * 10) / 1e6,
    ttft: 1,
  },
  // 46: cached AND reasoning (cache_write_tokens 0 ignored): 1586 input of which 1536 cached, 393
  // output of which 320 reasoning: (50×0.05 + 1536×0.005 + 393×0.40)/1e6
  {
    name: "46_responses_nonstream_gpt-5-nano_tools_cached_and_reasoning",
    model: "gpt-5-nano",
    stream: false,
    prompt: 1586,
    completion: 393,
    cached: 1536,
    reasoning: 320,
    cost: (50 * 0.05 + 1536 * 0.005 + 393 * 0.4) / 1e6,
    limits: [5000, 4999, 2000000, 2000000],
  },
];

describe("Responses API transcripts through the proxy", () => {
  it.each(cases)("$name: same bytes and headers; exact accounting", async (c) => {
    await expectFaithfulReplay(replay, { ...c, endpoint: "responses" });
  });
});
