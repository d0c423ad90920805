import { afterAll, beforeAll, describe, it } from "vitest";
import { expectFaithfulReplay, type ReplayCase } from "../helpers/replay-accounting.js";
import { type ReplayStack, startReplayStack } from "../helpers/replay-upstream.js";

let replay: ReplayStack;
beforeAll(async () => {
  replay = await startReplayStack();
});
afterAll(() => replay.close());

// Upstream errors pass through as sent (status, body bytes, headers). They carry no usage, so they add
// no tokens, no cost and no unpriced count: one request with the upstream's code and one error, rate_limit
// for 429 and upstream_4xx for the other 4xx.
const cases: ReplayCase[] = [
  // 20: 400 with x-ratelimit-* headers, which still set the gauges
  {
    name: "20_error_400_unsupported_parameter_chat",
    model: "o1-mini",
    endpoint: "chat_completions",
    stream: false,
    status: 400,
    error: "upstream_4xx",
    limits: [30000, 29999, 150000000, 149999990],
  },
  {
    name: "21_error_400_empty_messages_chat",
    model: "gpt-5-nano",
    endpoint: "chat_completions",
    stream: false,
    status: 400,
    error: "upstream_4xx",
    limits: [500, 499, 200000, 199999],
  },
  {
    name: "22_error_401_invalid_api_key_chat",
    model: "gpt-4o-mini",
    endpoint: "chat_completions",
    stream: false,
    status: 401,
    error: "upstream_4xx",
  },
  {
    name: "23_error_401_invalid_api_key_responses",
    model: "gpt-4.1-nano",
    endpoint: "responses",
    stream: false,
    status: 401,
    error: "upstream_4xx",
  },
  // 24: a model the price table does not know; with no usage there is no cost to leave uncounted
  {
    name: "24_error_404_model_not_found_chat",
    model: "gpt-4.1-nano-wrong",
    endpoint: "chat_completions",
    stream: false,
    status: 404,
    error: "upstream_4xx",
  },
  {
    name: "25_error_404_model_not_found_embeddings",
    model: "non-existent-embedding-model",
    endpoint: "embeddings",
    stream: false,
    status: 404,
    error: "upstream_4xx",
  },
  // 26: a missing model is a 400 on /v1/responses
  {
    name: "26_error_400_model_not_found_responses",
    model: "this-model-does-not-exist",
    endpoint: "responses",
    stream: false,
    status: 400,
    error: "upstream_4xx",
  },
  {
    name: "27_error_400_context_length_exceeded_responses",
    model: "gpt-5-nano",
    endpoint: "responses",
    stream: false,
    status: 400,
    error: "upstream_4xx",
  },
  {
    name: "28_error_404_model_not_found_chat_otel",
    model: "this-model-does-not-exist",
    endpoint: "chat_completions",
    stream: false,
    status: 404,
    error: "upstream_4xx",
  },
  // 29: the bug report kept no request; PromptingTools.jl's default model then was gpt-3.5-turbo
  {
    name: "29_error_429_insufficient_quota_chat",
    model: "gpt-3.5-turbo",
    endpoint: "chat_completions",
    stream: false,
    status: 429,
    error: "rate_limit",
    requestBody: '{"model":"gpt-3.5-turbo","messages":[{"role":"user","content":"Say hi!"}]}',
  },
  // 30: responses.create with gpt-4.1, body not captured in the report
  {
    name: "30_error_429_rate_limit_exceeded_responses",
    model: "gpt-4.1",
    endpoint: "responses",
    stream: false,
    status: 429,
    error: "rate_limit",
    requestBody: '{"model":"gpt-4.1","input":"Summarise the attached report."}',
  },
  // 35: a stream request answered with a plain JSON 401; the proxy had spliced in include_usage
  {
    name: "35_error_401_on_stream_true_request_completions",
    model: "text-curie-001",
    endpoint: "completions",
    stream: true,
    status: 401,
    error: "upstream_4xx",
    upstreamBody:
      '{"stream_options":{"include_usage":true},"model":"text-curie-001","prompt":"how does openai tokenize prompts?","max_tokens":150,"n":1,"stream":true,"temperature":0.8}',
  },
];

describe("upstream error transcripts through the proxy", () => {
  it.each(cases)("$name: passed through as sent; counted once as an error", async (c) => {
    await expectFaithfulReplay(replay, c);
  });
});
