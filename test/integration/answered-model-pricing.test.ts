import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriesKey, seriesValue } from "../helpers/metrics.js";
import { measured } from "../helpers/replay-accounting.js";
import { type ReplayStack, replayHeader, startReplayStack } from "../helpers/replay-upstream.js";

// An Azure-style deployment name the price table cannot know, answered by recorded OpenAI responses
// that name the model that answered: the cost is that model's, the label stays the deployment's.
let replay: ReplayStack;
let client: OpenAI;
const logLines: string[] = [];
beforeAll(async () => {
  replay = await startReplayStack({ logLines });
  client = new OpenAI({ baseURL: `${replay.stack.proxyUrl}/v1`, apiKey: "sk-test", maxRetries: 0 });
});
afterAll(() => replay.close());

const messages = [{ role: "user" as const, content: "Say this is a test" }];
const replaying = (name: string) => ({ headers: { [replayHeader]: name } });

describe("cost from the model that answered", () => {
  it("prices a streamed deployment answered by gpt-4o-2024-08-06 as gpt-4o", async () => {
    const model = "my-gpt4o-deploy";
    const { before, after } = await measured(replay.stack, async () => {
      const stream = await client.chat.completions.create(
        { model, messages, stream: true, stream_options: { include_usage: true } },
        replaying("19_chat_stream_gpt-4o_include_usage_cached_length"),
      );
      for await (const _chunk of stream);
    });
    // 1420 prompt of which 1280 cached, 100 completion at gpt-4o's 2.50 / 1.25 / 10.00 per million.
    const cost = (140 * 2.5 + 1280 * 1.25 + 100 * 10) / 1e6;
    const moved =
      seriesValue(after, "llm_cost_usd_total", { model }) -
      seriesValue(before, "llm_cost_usd_total", { model });
    expect(moved).toBeCloseTo(cost, 12);
    expect(after.has(seriesKey("llm_unpriced_requests_total", { model }))).toBe(false);
    expect([...after.keys()].filter((key) => key.includes("gpt-4o-2024-08-06"))).toEqual([]);
  });

  it("prices a non-streamed deployment answered by gpt-4o-mini-2024-07-18 as gpt-4o-mini", async () => {
    const model = "my-mini-deploy";
    const { before, after } = await measured(replay.stack, () =>
      client.chat.completions.create({ model, messages }, replaying("01_chat_nonstream_gpt-4o-mini_basic")),
    );
    const moved =
      seriesValue(after, "llm_cost_usd_total", { model }) -
      seriesValue(before, "llm_cost_usd_total", { model });
    expect(moved).toBeCloseTo((12 * 0.15 + 5 * 0.6) / 1e6, 12);
    expect(seriesValue(after, "llm_tokens_total", { model, type: "prompt" })).toBe(12);
  });

  it("prices a streamed Responses deployment by the response.completed event's model", async () => {
    const model = "responses-deploy";
    const { before, after } = await measured(replay.stack, async () => {
      const stream = await client.responses.create(
        { model, input: "hello", stream: true },
        replaying("44_responses_stream_gpt-4o_cached"),
      );
      for await (const _event of stream);
    });
    const cost = (125 * 2.5 + 1390 * 1.25 + 8 * 10) / 1e6;
    const moved =
      seriesValue(after, "llm_cost_usd_total", { model }) -
      seriesValue(before, "llm_cost_usd_total", { model });
    expect(moved).toBeCloseTo(cost, 12);
  });

  it("logs no missing-price warning for a deployment priced by its answer", () => {
    const warned = logLines.map((line) => JSON.parse(line) as { level: number; model?: string });
    expect(warned.filter((entry) => entry.level === 40 && entry.model?.includes("deploy"))).toEqual([]);
  });
});
