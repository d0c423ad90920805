import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTranscript } from "../helpers/fixtures.js";
import { seriesValue } from "../helpers/metrics.js";
import { expectFaithfulReplay, type ReplayCase, type Scrape } from "../helpers/replay-accounting.js";
import { type ReplayStack, startReplayStack } from "../helpers/replay-upstream.js";

let replay: ReplayStack;
beforeAll(async () => {
  replay = await startReplayStack();
});
afterAll(() => replay.close());

interface Case extends Omit<ReplayCase, "stream" | "estimated"> {
  /** The proxy asks for include_usage itself (chat without stream_options); the replay ignores it. */
  readonly injected: boolean;
  /** What the upstream really billed, from an independent record (see each case). */
  readonly real: { readonly prompt: number; readonly completion: number };
}

const cases: Case[] = [
  // 11: the same request as 10 (same body but stream_options, same test suite, same second, same
  // answer "This is a test."), which reported 12 + 5. Estimate 12 + 5: (12×30 + 5×60)/1e6.
  {
    name: "11_chat_stream_gpt-4_no_usage",
    model: "gpt-4",
    endpoint: "chat_completions",
    injected: true,
    prompt: 12,
    completion: 5,
    cost: (12 * 30 + 5 * 60) / 1e6,
    ttft: 1,
    limits: [10000, 9998, 10000, 9978],
    real: { prompt: 12, completion: 5 },
  },
  // 15: envoyproxy/ai-gateway recorded this exact request unstreamed the same day (cassette
  // chat-basic.yaml, "Hello!" to gpt-5-nano): prompt_tokens 8. Its visible answer is 48 content deltas,
  // and OpenAI streams one token per content delta (10, 12, 13, 17, 19 and 51 have exactly as many
  // content deltas as completion_tokens). Hidden reasoning tokens are not in the stream and cannot be
  // estimated (the unstreamed call spent 320). Estimate 8 + 48: (8×0.05 + 48×0.40)/1e6.
  {
    name: "15_chat_stream_gpt-5-nano_no_usage",
    model: "gpt-5-nano",
    endpoint: "chat_completions",
    injected: true,
    prompt: 8,
    completion: 48,
    cost: (8 * 0.05 + 48 * 0.4) / 1e6,
    ttft: 1,
    limits: [500, 499, 200000, 199996],
    real: { prompt: 8, completion: 48 },
  },
  // 18: Elastic recorded the same messages, tools and model unstreamed the same day
  // (test_chat_tools_with_followup_and_capture_message_content.yaml, interaction #0) with the same two
  // calls and arguments: prompt_tokens 57, completion_tokens 46. The 46 include the framing of the
  // parallel call, which the names and arguments alone (18 tokens) miss. Estimate 58 + 46:
  // (58×0.15 + 46×0.60)/1e6.
  {
    name: "18_chat_stream_gpt-4o-mini_parallel_tool_calls_no_usage",
    model: "gpt-4o-mini",
    endpoint: "chat_completions",
    injected: true,
    prompt: 58,
    completion: 46,
    cost: (58 * 0.15 + 46 * 0.6) / 1e6,
    ttft: 1,
    limits: [10000, 9990, 200000, 199956],
    real: { prompt: 57, completion: 46 },
  },
  // 45: response.incomplete carries a usage of zeros after 16 output_text deltas, and
  // incomplete_details says max_output_tokens (16) was reached: 16 output tokens were generated. The
  // input is 12 text tokens in 7 of framing; the same rule gives 44's gpt-4o string input exactly
  // (1515). Estimate 19 + 16: (19×2.50 + 16×10.00)/1e6.
  {
    name: "45_responses_stream_incomplete_max_output_tokens",
    model: "gpt-4o",
    endpoint: "responses",
    injected: false,
    prompt: 19,
    completion: 16,
    cost: (19 * 2.5 + 16 * 10) / 1e6,
    ttft: 1,
    real: { prompt: 19, completion: 16 },
  },
];

const injection = '"stream_options":{"include_usage":true},';

/** The client's body with include_usage spliced in after the opening brace, every other byte kept. */
function withInjection(name: string): string {
  const sent = loadTranscript(name).request.body ?? "";
  const spliced = `{${injection}${sent.slice(1)}`;
  expect(JSON.parse(spliced)).toEqual({ ...JSON.parse(sent), stream_options: { include_usage: true } });
  return spliced;
}

function expectWithinTenPercent(before: Scrape, after: Scrape, c: Case): void {
  const moved = (type: string) =>
    seriesValue(after, "llm_tokens_total", { model: c.model, type }) -
    seriesValue(before, "llm_tokens_total", { model: c.model, type });
  expect(Math.abs(moved("prompt") - c.real.prompt)).toBeLessThanOrEqual(0.1 * c.real.prompt);
  expect(Math.abs(moved("completion") - c.real.completion)).toBeLessThanOrEqual(0.1 * c.real.completion);
}

describe("streams without usage: the bytes pass unchanged and the tokens are estimated", () => {
  it.each(cases)("$name", async (c) => {
    const { before, after } = await expectFaithfulReplay(replay, {
      ...c,
      stream: true,
      estimated: true,
      ...(c.injected ? { upstreamBody: withInjection(c.name) } : {}),
    });
    expectWithinTenPercent(before, after, c);
  });
});
