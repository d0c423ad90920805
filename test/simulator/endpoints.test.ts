import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { dataPayloads, fixedNow, fixtureText, post, skeleton } from "./helpers.js";

let sim: Simulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({ now: fixedNow });
  client = new OpenAI({ baseURL: sim.url, apiKey: "test", maxRetries: 0 });
});

afterAll(() => sim.close());

describe("embeddings", () => {
  it("returns one unit vector per input, 8 floats by default, usage without completion tokens", async () => {
    const result = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: ["first", "second"],
      encoding_format: "float",
    });
    expect(result.data.map((item) => item.index)).toEqual([0, 1]);
    const vector = result.data[0]?.embedding ?? [];
    expect(vector).toHaveLength(8);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    expect(result.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
  });

  it("answers any model name, echoing it in openai-model as a valid header value", async () => {
    const model = "日本-embed\nmodel";
    const response = await post(sim, "/embeddings", { model, input: "x" });
    expect(response.status).toBe(200);
    expect(decodeURIComponent(response.headers.get("openai-model") ?? "")).toBe(model);
  });

  it("honours dimensions and base64, which the SDK decodes to the same floats", async () => {
    const request = { model: "text-embedding-3-small", input: "hello", dimensions: 16 };
    const decoded = await client.embeddings.create(request);
    const floats = await client.embeddings.create({ ...request, encoding_format: "float" });
    expect(decoded.data[0]?.embedding).toHaveLength(16);
    const expected = (floats.data[0]?.embedding ?? []).map((value) => Math.fround(value));
    expect(decoded.data[0]?.embedding).toEqual(expected);
    const raw = await post(sim, "/embeddings", { ...request, encoding_format: "base64" });
    expect(raw.headers.get("openai-model")).toBe("text-embedding-3-small");
    const body = (await raw.json()) as { data: Array<{ embedding: unknown }> };
    expect(typeof body.data[0]?.embedding).toBe("string");
  });
});

describe("models", () => {
  it("lists the known models and gets one by id", async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(["gpt-4o-mini", "gpt-5-nano", "text-embedding-3-small"]));
    const model = await client.models.retrieve("gpt-4o");
    expect(model).toMatchObject({ id: "gpt-4o", object: "model", owned_by: "system" });
  });

  it("answers 404 model_not_found for an unknown id", async () => {
    const response = await fetch(`${sim.url}/models/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("model_not_found");
  });
});

describe("legacy completions", () => {
  it("streams text chunks with include_usage like fixture 51", async () => {
    const body = {
      model: "babbage-002",
      prompt: "def fib(n):",
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    };
    const text = await (await post(sim, "/completions", body)).text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const ours = dataPayloads(text);
    expect(ours).toHaveLength(6);
    const recorded = dataPayloads(fixtureText("51_legacy_completions_stream_include_usage.sse"));
    const layout = (list: string[]) =>
      [list[0], list.at(-2), list.at(-1)].map((p) => skeleton(JSON.parse(p ?? "")));
    expect(layout(ours)).toEqual(layout(recorded));
    const last = JSON.parse(ours.at(-2) ?? "") as { choices: Array<{ finish_reason: string }> };
    expect(last.choices[0]?.finish_reason).toBe("length");
  });

  it("answers non-streamed text_completion through the SDK", async () => {
    const completion = await client.completions.create({
      model: "gpt-3.5-turbo-instruct",
      prompt: "Once",
      max_tokens: 50,
    });
    expect(completion.object).toBe("text_completion");
    expect(completion.id).toMatch(/^cmpl-/);
    expect(completion.choices[0]?.text.length).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeGreaterThanOrEqual(8);
  });
});

describe("request errors in OpenAI's shape", () => {
  async function errorOf(response: Response) {
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      text: await response.text(),
    };
  }

  it("answers 404 for unknown routes with the gateway layout", async () => {
    const result = await errorOf(await post(sim, "/nothing/here", {}));
    expect(result.status).toBe(404);
    expect(result.type).toBe("application/json; charset=utf-8");
    expect(result.text).toBe(
      `${JSON.stringify({ error: { message: "Invalid URL (POST /v1/nothing/here)", type: "invalid_request_error", param: null, code: null } }, null, 4)}\n`,
    );
  });

  it("answers 400 for a body that is not JSON, and for a missing model", async () => {
    const invalid = await errorOf(await post(sim, "/chat/completions", "{not json"));
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text)).toMatchObject({ error: { type: "invalid_request_error" } });
    const noModel = await errorOf(await post(sim, "/chat/completions", { messages: [] }));
    expect(noModel.status).toBe(400);
    expect(JSON.parse(noModel.text)).toMatchObject({
      error: { message: "you must provide a model parameter" },
    });
  });

  it("answers 400 empty_array like fixture 21 for empty messages", async () => {
    const result = await errorOf(await post(sim, "/chat/completions", { model: "gpt-5-nano", messages: [] }));
    const recorded = JSON.parse(
      (JSON.parse(fixtureText("21_error_400_empty_messages_chat.json")) as { response: { body: string } })
        .response.body,
    ) as { error: Record<string, unknown> };
    expect(result.status).toBe(400);
    expect(JSON.parse(result.text)).toEqual({ error: { ...recorded.error } });
  });
});
