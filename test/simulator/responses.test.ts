import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { fixedNow, fixtureBody, fixtureText, namedEvents, post, skeleton } from "./helpers.js";

let sim: Simulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({ now: fixedNow });
  client = new OpenAI({ baseURL: sim.url, apiKey: "test", maxRetries: 0 });
});

afterAll(() => sim.close());

const expectedOrder = [
  "response.created",
  "response.in_progress",
  "response.output_item.added",
  "response.content_part.added",
  "response.output_text.delta",
  "response.output_text.done",
  "response.content_part.done",
  "response.output_item.done",
  "response.completed",
];

describe("Responses API", () => {
  it("streams the documented event sequence through the SDK, usage on response.completed", async () => {
    const stream = await client.responses.create({
      model: "gpt-4o-mini",
      input: "Say this is a test",
      instructions: "You are a helpful assistant.",
      stream: true,
    });
    const events = [];
    for await (const event of stream) events.push(event);
    const types = events.map((event) => event.type).filter((type, i, all) => all[i - 1] !== type);
    expect(types).toEqual(expectedOrder);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, i) => i));
    const completed = events.at(-1);
    if (completed?.type !== "response.completed") throw new Error("expected response.completed last");
    const deltas = events.filter((event) => event.type === "response.output_text.delta");
    expect(completed.response.usage?.output_tokens).toBe(deltas.length);
    const message = completed.response.output[0];
    if (message?.type !== "message") throw new Error("expected a message item");
    const part = message.content[0];
    expect(part?.type === "output_text" ? part.text : "").toBe(deltas.map((event) => event.delta).join(""));
    expect(completed.response.model).toBe("gpt-4o-mini-2024-07-18");
    expect(completed.response.instructions).toBe("You are a helpful assistant.");
  });

  it("lays stream events out like fixture 42 and sends no [DONE]", async () => {
    const body = { model: "gpt-4o-mini", input: "Say this is a test", stream: true };
    const text = await (await post(sim, "/responses", body)).text();
    expect(text).not.toContain("[DONE]");
    const ours = namedEvents(text);
    const recorded = namedEvents(fixtureText("42_responses_stream_gpt-4o-mini.sse"));
    const layout = (events: typeof ours) =>
      events
        .filter((event, i, all) => all[i - 1]?.event !== event.event)
        .map((event) => {
          const { obfuscation: _ignored, ...data } = event.data;
          const response = data.response as Record<string, unknown> | undefined;
          return skeleton(
            response ? { ...data, response: { ...response, instructions: null, output: [] } } : data,
          );
        });
    expect(layout(ours)).toEqual(layout(recorded));
    expect(text).toContain('"temperature":1.0,');
  });

  it("answers non-streamed with OpenAI's usage shape and 2-space layout", async () => {
    const response = await client.responses.create({ model: "gpt-5-nano", input: "Count to three" });
    expect(response.status).toBe("completed");
    expect(response.output[0]?.type).toBe("reasoning");
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(64);
    expect(response.usage?.total_tokens).toBe(
      (response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0),
    );
    const text = await (await post(sim, "/responses", { model: "gpt-4.1", input: "hi" })).text();
    const recorded = fixtureBody("41_responses_nonstream_gpt-4.1_cached_tokens.json");
    const usageOf = (json: string) => skeleton((JSON.parse(json) as { usage: unknown }).usage);
    expect(usageOf(text)).toEqual(usageOf(recorded));
    expect(text.endsWith("}")).toBe(true);
    expect(text).toContain('\n  "frequency_penalty": 0.0,\n');
  });

  it("ends with response.incomplete when max_output_tokens cuts the answer", async () => {
    const body = { model: "gpt-4o", input: "a long story", max_output_tokens: 4, stream: true };
    const events = namedEvents(
      await (await post(sim, "/responses", body, { "x-simulator-tokens": "30" })).text(),
    );
    const last = events.at(-1);
    expect(last?.event).toBe("response.incomplete");
    const response = last?.data.response as { incomplete_details: unknown; usage: { output_tokens: number } };
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(response.usage.output_tokens).toBe(4);
    expect(events.filter((event) => event.event === "response.output_text.delta")).toHaveLength(4);
  });

  it("answers function tools with a function_call item", async () => {
    const tools = [
      {
        type: "function",
        name: "roll",
        parameters: { type: "object", properties: { sides: { type: "number" } } },
      },
    ];
    const text = await (
      await post(sim, "/responses", { model: "gpt-4o", input: "roll", tools, stream: true })
    ).text();
    const events = namedEvents(text);
    const deltas = events.filter((event) => event.event === "response.function_call_arguments.delta");
    const done = events.find((event) => event.event === "response.function_call_arguments.done");
    expect(deltas.map((event) => event.data.delta).join("")).toBe(done?.data.arguments);
    expect(Object.keys(JSON.parse(String(done?.data.arguments)) as object)).toEqual(["sides"]);
    const final = events.at(-1)?.data.response as { output: Array<Record<string, unknown>> } | undefined;
    const item = final?.output[0];
    expect(item).toMatchObject({ type: "function_call", name: "roll", status: "completed" });
  });

  it("answers 400 in the API layout when input is missing", async () => {
    const response = await post(sim, "/responses", { model: "gpt-4o" });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/json");
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: {
        message: "Missing required parameter: 'input'.",
        type: "invalid_request_error",
        param: "input",
        code: "missing_required_parameter",
      },
    });
    expect(text.endsWith("}")).toBe(true);
  });
});
