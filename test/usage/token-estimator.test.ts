import { describe, expect, it } from "vitest";
import { chatExtractor } from "../../src/usage/chat.js";
import type { GeneratedOutput } from "../../src/usage/generated-output.js";
import { responsesExtractor } from "../../src/usage/responses.js";
import { createTokenEstimator } from "../../src/usage/token-estimator.js";
import { loadTranscript, observeChunks, requestJson, sseBytes } from "../helpers/fixtures.js";

const estimator = createTokenEstimator();

/** Estimates a recorded exchange as if its upstream had reported no usage. */
function estimateRecorded(name: string, output: GeneratedOutput) {
  const request = requestJson(loadTranscript(name));
  return estimator.estimate(String(request.model), request, output);
}

const bodyOutput = (name: string) => {
  const extractor = name.includes("responses") ? responsesExtractor : chatExtractor;
  return extractor.textOfBody(JSON.parse(loadTranscript(name).response.body));
};

describe("token estimator against what OpenAI billed", () => {
  it.each([
    // name, estimated prompt + completion, billed prompt + visible completion
    ["01_chat_nonstream_gpt-4o-mini_basic", [12, 5], [12, 5]],
    ["02_chat_nonstream_gpt-4o-mini_exact_bytes", [12, 15], [12, 15]],
    // a single tool call: `functions.get_weather`, its arguments and 6 tokens of framing
    ["07_chat_nonstream_gpt-4.1_tool_calls_cached", [1187, 14], [1187, 14]],
    // n=2: each choice counted on its own, 12 + 12
    ["08_chat_nonstream_gpt-4o-mini_n2", [12, 24], [12, 24]],
    // 288 output tokens of which 9 reasoning: 279 visible
    ["40_responses_nonstream_gpt-5.4_reasoning_tokens", [44, 273], [44, 279]],
  ] as const)("%s, unstreamed", (name, [prompt, completion], [billedPrompt, billedCompletion]) => {
    const estimate = estimateRecorded(name, bodyOutput(name));
    expect([estimate.promptTokens, estimate.completionTokens]).toEqual([prompt, completion]);
    expect(Math.abs(prompt - billedPrompt)).toBeLessThanOrEqual(0.1 * billedPrompt);
    expect(Math.abs(completion - billedCompletion)).toBeLessThanOrEqual(0.1 * billedCompletion);
    expect([estimate.cachedTokens, estimate.reasoningTokens]).toEqual([0, 0]);
  });

  it("16: two parallel calls in one multi_tool_use.parallel call, 51 tokens as billed", () => {
    const calls = [
      { name: "get_current_weather", arguments: '{"location": "Seattle, WA"}' },
      { name: "get_current_weather", arguments: '{"location": "San Francisco, CA"}' },
    ];
    const name = "16_chat_stream_gpt-4o-mini_parallel_tool_calls_include_usage";
    expect(estimateRecorded(name, [{ text: "", toolCalls: calls }])).toMatchObject({
      promptTokens: 75,
      completionTokens: 51,
    });
  });

  it("18: the calls assembled from the stream estimate to the 46 tokens Elastic's unstreamed twin billed", () => {
    const name = "18_chat_stream_gpt-4o-mini_parallel_tool_calls_no_usage";
    const { output } = observeChunks(chatExtractor, [sseBytes(name)]);
    expect(estimateRecorded(name, output ?? [])).toMatchObject({ promptTokens: 58, completionTokens: 46 });
  });

  it("a plain string counts as text; nothing generated counts as nothing", () => {
    const request = { model: "gpt-4", messages: [{ role: "user", content: "Say this is a test" }] };
    expect(estimator.estimate("gpt-4", request, "This is a test.").completionTokens).toBe(5);
    expect(estimator.estimate("gpt-4", request, "").completionTokens).toBe(0);
    expect(estimator.estimate("gpt-4", request, []).completionTokens).toBe(0);
    expect(estimator.estimate("gpt-4", request, []).promptTokens).toBe(12);
  });
});
