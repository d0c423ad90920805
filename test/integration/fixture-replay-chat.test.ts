import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTranscript } from "../helpers/fixtures.js";
import { expectFaithfulReplay, type ReplayCase } from "../helpers/replay-accounting.js";
import { type ReplayStack, startReplayStack } from "../helpers/replay-upstream.js";

let replay: ReplayStack;
beforeAll(async () => {
  replay = await startReplayStack();
});
afterAll(() => replay.close());

type Case = Omit<ReplayCase, "endpoint" | "stream">;

// Prices per million tokens (src/pricing/prices.json): gpt-4o-mini 0.15 / cached 0.075 / 0.60,
// o1-mini and o3-mini 1.10 / 0.55 / 4.40, gpt-5-nano 0.05 / 0.005 / 0.40, gpt-4.1 2.00 / 0.50 / 8.00,
// gpt-4o-audio-preview 2.50 / 10.00, gpt-4o-mini-audio-preview 0.15 / 0.60.
const cases: Case[] = [
  // 01: 12 prompt + 5 completion: (12×0.15 + 5×0.60)/1e6
  {
    name: "01_chat_nonstream_gpt-4o-mini_basic",
    model: "gpt-4o-mini",
    prompt: 12,
    completion: 5,
    cost: (12 * 0.15 + 5 * 0.6) / 1e6,
    limits: [10000, 9999, 200000, 199977],
  },
  // 02: byte-exact body, placeholder rate-limit headers: (12×0.15 + 15×0.60)/1e6
  {
    name: "02_chat_nonstream_gpt-4o-mini_exact_bytes",
    model: "gpt-4o-mini",
    prompt: 12,
    completion: 15,
    cost: (12 * 0.15 + 15 * 0.6) / 1e6,
  },
  // 03: 84 completion of which 64 reasoning, billed once at the output rate: (14×1.10 + 84×4.40)/1e6
  {
    name: "03_chat_nonstream_o1-mini_reasoning_tokens",
    model: "o1-mini",
    prompt: 14,
    completion: 84,
    reasoning: 64,
    cost: (14 * 1.1 + 84 * 4.4) / 1e6,
    limits: [30000, 29999, 150000000, 149999990],
  },
  // 04: (13×1.10 + 81×4.40)/1e6, 64 of the 81 reasoning
  {
    name: "04_chat_nonstream_o3-mini_reasoning_tokens",
    model: "o3-mini",
    prompt: 13,
    completion: 81,
    reasoning: 64,
    cost: (13 * 1.1 + 81 * 4.4) / 1e6,
    limits: [30000, 29999, 150000000, 149999974],
  },
  // 05: key-sorted body; (27×0.05 + 267×0.40)/1e6, 192 of the 267 reasoning
  {
    name: "05_chat_nonstream_gpt-5-nano_reasoning_tokens",
    model: "gpt-5-nano",
    prompt: 27,
    completion: 267,
    reasoning: 192,
    cost: (27 * 0.05 + 267 * 0.4) / 1e6,
    limits: [500, 499, 200000, 199981],
  },
  // 06: 1144 prompt of which 1024 cached, 2 completion: (120×2.00 + 1024×0.50 + 2×8.00)/1e6
  {
    name: "06_chat_nonstream_gpt-4.1_cached_tokens",
    model: "gpt-4.1",
    prompt: 1144,
    completion: 2,
    cached: 1024,
    cost: (120 * 2 + 1024 * 0.5 + 2 * 8) / 1e6,
  },
  // 07: tool calls, 1187 prompt of which 1152 cached, 14 completion: (35×2.00 + 1152×0.50 + 14×8.00)/1e6
  {
    name: "07_chat_nonstream_gpt-4.1_tool_calls_cached",
    model: "gpt-4.1",
    prompt: 1187,
    completion: 14,
    cached: 1152,
    cost: (35 * 2 + 1152 * 0.5 + 14 * 8) / 1e6,
  },
  // 08: n=2, one usage block for both choices: (12×0.15 + 24×0.60)/1e6
  {
    name: "08_chat_nonstream_gpt-4o-mini_n2",
    model: "gpt-4o-mini",
    prompt: 12,
    completion: 24,
    cost: (12 * 0.15 + 24 * 0.6) / 1e6,
    limits: [10000, 9997, 200000, 199962],
  },
  // 09: audio input; the table has one text rate for the model: (28×2.50 + 17×10.00)/1e6
  {
    name: "09_chat_nonstream_gpt-4o-audio-preview_audio_input",
    model: "gpt-4o-audio-preview",
    prompt: 28,
    completion: 17,
    cost: (28 * 2.5 + 17 * 10) / 1e6,
    limits: [500, 499, 30000, 29984],
  },
  // 09b: audio output (12 of the 18 completion tokens): (22×0.15 + 18×0.60)/1e6
  {
    name: "09b_chat_nonstream_gpt-4o-mini-audio-preview_audio_output",
    model: "gpt-4o-mini-audio-preview",
    prompt: 22,
    completion: 18,
    cost: (22 * 0.15 + 18 * 0.6) / 1e6,
    limits: [10000, 9999, 200000, 199984],
  },
];

describe("non-streamed chat transcripts through the proxy", () => {
  it.each(cases)("$name: same status, bytes and headers; exact accounting", async (c) => {
    await expectFaithfulReplay(replay, { ...c, endpoint: "chat_completions", stream: false });
  });
});

describe("a model without a list price", () => {
  it("01 asked as a fine-tuned model: tokens counted, cost left out, counted as unpriced", async () => {
    const model = "ft:gpt-4o-mini-2024-07-18:acme::A1b2C3d4";
    const body = (loadTranscript("01_chat_nonstream_gpt-4o-mini_basic").request.body ?? "").replace(
      '"model": "gpt-4o-mini"',
      `"model": "${model}"`,
    );
    expect(body).toContain(model);
    await expectFaithfulReplay(replay, {
      name: "01_chat_nonstream_gpt-4o-mini_basic",
      model,
      endpoint: "chat_completions",
      stream: false,
      prompt: 12,
      completion: 5,
      unpriced: true,
      limits: [10000, 9999, 200000, 199977],
      requestBody: body,
    });
  });
});
