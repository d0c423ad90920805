import { describe, expect, it } from "vitest";
import { responsesExtractor } from "../../src/usage/responses.js";
import { loadTranscript, observeChunks, sseBytes } from "../helpers/fixtures.js";

const body = (name: string): unknown => JSON.parse(loadTranscript(name).response.body);
const sse = (events: readonly (readonly [string | undefined, unknown])[]): Buffer =>
  Buffer.from(
    events
      .map(([event, data]) => `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`)
      .join(""),
  );

describe("Responses API: usage of a whole body", () => {
  it.each([
    ["40_responses_nonstream_gpt-5.4_reasoning_tokens", [44, 288, 0, 9]],
    ["41_responses_nonstream_gpt-4.1_cached_tokens", [1144, 3, 1024, 0]],
    ["46_responses_nonstream_gpt-5-nano_tools_cached_and_reasoning", [1586, 393, 1536, 320]],
  ] as const)("%s", (name, [promptTokens, completionTokens, cachedTokens, reasoningTokens]) => {
    expect(responsesExtractor.fromBody(body(name))).toEqual({
      promptTokens,
      completionTokens,
      cachedTokens,
      reasoningTokens,
    });
  });

  it("reads chat-style usage from an OpenAI-compatible server's /v1/responses", () => {
    expect(responsesExtractor.fromBody({ usage: { prompt_tokens: 5, completion_tokens: 2 } })).toEqual({
      promptTokens: 5,
      completionTokens: 2,
      cachedTokens: 0,
      reasoningTokens: 0,
    });
  });
});

describe("Responses API: what a response generated, for estimates", () => {
  it("46: the message text; the reasoning item's encrypted content is not text", () => {
    expect(
      responsesExtractor.textOfBody(body("46_responses_nonstream_gpt-5-nano_tools_cached_and_reasoning")),
    ).toEqual([{ text: "Here are your 3 dice rolls (in order): 1, 2, 3.", toolCalls: [] }]);
  });

  it("function_call items are tool calls of the one assistant turn", () => {
    const output = [
      { type: "function_call", name: "dice_roll", arguments: "{}" },
      { type: "function_call", name: "dice_roll", arguments: '{"n":2}' },
      { type: "message", content: [{ type: "refusal", refusal: "No." }] },
    ];
    expect(responsesExtractor.textOfBody({ output })).toEqual([
      {
        text: "No.",
        toolCalls: [
          { name: "dice_roll", arguments: "{}" },
          { name: "dice_roll", arguments: '{"n":2}' },
        ],
      },
    ]);
  });
});

describe("Responses API streams", () => {
  it("45: response.incomplete ends the stream; its usage of zeros is no usage, so its output is kept", () => {
    const observed = observeChunks(responsesExtractor, [
      sseBytes("45_responses_stream_incomplete_max_output_tokens"),
    ]);
    expect(observed).toEqual({
      usage: undefined,
      firstTokens: 1,
      output: [
        {
          text: "In the bustling city of Detroit, a sleek, metallic blue sedan rolled off the",
          toolCalls: [],
        },
      ],
    });
  });

  it("reads response.failed, and the type from the data when a server sends no event: line", () => {
    const usage = { input_tokens: 7, output_tokens: 3, output_tokens_details: { reasoning_tokens: 2 } };
    const observed = observeChunks(responsesExtractor, [
      sse([
        [undefined, { type: "response.output_text.delta", delta: "Hi" }],
        [undefined, { type: "response.failed", response: { usage, output: [] } }],
      ]),
    ]);
    expect(observed).toEqual({
      usage: { promptTokens: 7, completionTokens: 3, cachedTokens: 0, reasoningTokens: 2 },
      firstTokens: 1,
      output: undefined,
    });
  });

  it("a stream without a final event has nothing to estimate from", () => {
    const observed = observeChunks(responsesExtractor, [
      sse([["response.output_text.delta", { type: "response.output_text.delta", delta: "Hi" }]]),
    ]);
    expect(observed).toEqual({ usage: undefined, firstTokens: 1, output: undefined });
  });
});
