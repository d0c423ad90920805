import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTranscript, requestJson } from "../helpers/fixtures.js";
import { expectAccounting, measured } from "../helpers/replay-accounting.js";
import { type ReplayStack, replayHeader, startReplayStack } from "../helpers/replay-upstream.js";

let replay: ReplayStack;
let client: OpenAI;
beforeAll(async () => {
  replay = await startReplayStack();
  client = new OpenAI({ baseURL: `${replay.stack.proxyUrl}/v1`, apiKey: "sk-test", maxRetries: 0 });
});
afterAll(() => replay.close());

/** The transcript's request as SDK params, and the header that makes the upstream replay it. */
function recorded<T>(name: string): { params: T; options: OpenAI.RequestOptions } {
  return { params: requestJson(loadTranscript(name)) as T, options: { headers: { [replayHeader]: name } } };
}

const measure = <T>(call: () => Promise<T>) => measured(replay.stack, call);

describe("the official SDK through the proxy, against recorded answers", () => {
  it("01: a non-streamed chat completion parses, and is metered as the recorded usage", async () => {
    const { params, options } = recorded<OpenAI.ChatCompletionCreateParamsNonStreaming>(
      "01_chat_nonstream_gpt-4o-mini_basic",
    );
    const { result, before, after } = await measure(() => client.chat.completions.create(params, options));
    expect(result.choices[0]?.message.content).toBe("This is a test.");
    expect(result.usage?.total_tokens).toBe(17);
    // (12×0.15 + 5×0.60)/1e6
    const cost = (12 * 0.15 + 5 * 0.6) / 1e6;
    const accounting = { model: "gpt-4o-mini", endpoint: "chat_completions", stream: false } as const;
    expectAccounting(before, after, { ...accounting, prompt: 12, completion: 5, cost });
  });

  it("12: a streamed chat completion yields every chunk and the usage chunk it asked for", async () => {
    const { params, options } = recorded<OpenAI.ChatCompletionCreateParamsStreaming>(
      "12_chat_stream_gpt-4o-mini_include_usage",
    );
    const {
      result: chunks,
      before,
      after,
    } = await measure(async () => {
      const all: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of await client.chat.completions.create(params, options)) all.push(chunk);
      return all;
    });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Southern Ocean.");
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 22, completion_tokens: 3 });
    // (22×0.15 + 3×0.60)/1e6
    const accounting = { model: "gpt-4o-mini", endpoint: "chat_completions", stream: true } as const;
    expectAccounting(before, after, {
      ...accounting,
      prompt: 22,
      completion: 3,
      cost: (22 * 0.15 + 3 * 0.6) / 1e6,
      ttft: 1,
    });
  });

  it("42: a Responses stream ends with response.completed and its usage", async () => {
    const { params, options } = recorded<OpenAI.Responses.ResponseCreateParamsStreaming>(
      "42_responses_stream_gpt-4o-mini",
    );
    const {
      result: events,
      before,
      after,
    } = await measure(async () => {
      const all: OpenAI.Responses.ResponseStreamEvent[] = [];
      for await (const event of await client.responses.create(params, options)) all.push(event);
      return all;
    });
    const last = events.at(-1);
    expect(last?.type).toBe("response.completed");
    if (last?.type === "response.completed") expect(last.response.usage?.total_tokens).toBe(28);
    // (22×0.15 + 6×0.60)/1e6
    const accounting = { model: "gpt-4o-mini", endpoint: "responses", stream: true } as const;
    expectAccounting(before, after, {
      ...accounting,
      prompt: 22,
      completion: 6,
      cost: (22 * 0.15 + 6 * 0.6) / 1e6,
      ttft: 1,
    });
  });

  it("32: embeddings in base64 come back as the strings the upstream sent", async () => {
    const { params, options } = recorded<OpenAI.EmbeddingCreateParams>("32_embeddings_base64");
    const { result, before, after } = await measure(() => client.embeddings.create(params, options));
    expect(typeof result.data[0]?.embedding).toBe("string");
    expect(result.usage).toEqual({ prompt_tokens: 9, total_tokens: 9 });
    // 9×0.02/1e6
    const accounting = { model: "text-embedding-3-small", endpoint: "embeddings", stream: false } as const;
    expectAccounting(before, after, { ...accounting, prompt: 9, cost: (9 * 0.02) / 1e6 });
  });

  it("29: an upstream 429 surfaces as RateLimitError with the upstream's code and request id", async () => {
    const options = { headers: { [replayHeader]: "29_error_429_insufficient_quota_chat" } };
    const params = { model: "gpt-3.5-turbo", messages: [{ role: "user" as const, content: "Say hi!" }] };
    const {
      result: error,
      before,
      after,
    } = await measure(() =>
      client.chat.completions.create(params, options).then(
        () => undefined,
        (err: unknown) => err,
      ),
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimited = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimited.status).toBe(429);
    expect(rateLimited.code).toBe("insufficient_quota");
    expect(rateLimited.requestID).toBe("req_47fc080729878fd0ef899db83bb08b55");
    const accounting = { model: "gpt-3.5-turbo", endpoint: "chat_completions", stream: false } as const;
    expectAccounting(before, after, { ...accounting, status: 429, error: "rate_limit" });
  });
});
