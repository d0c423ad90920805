import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../src/metrics/types.js";
import { StreamPipeline } from "../../src/stream/stream-pipeline.js";
import { observeResponseInfo, responseInfoOf } from "../../src/tracing/response-info.js";
import type { RequestTrace, ResponseInfo } from "../../src/tracing/types.js";
import { chatExtractor } from "../../src/usage/chat.js";
import { responsesExtractor } from "../../src/usage/responses.js";
import type { StreamObserver } from "../../src/usage/types.js";

function fakeTrace(): RequestTrace & { info: ResponseInfo } {
  const trace = {
    info: {} as ResponseInfo,
    exemplar: undefined,
    request: () => undefined,
    response: (info: ResponseInfo) => {
      trace.info = { ...trace.info, ...info };
    },
    upstreamHeaders: (headers: string[]) => headers,
    finished: (_record: RequestRecord) => undefined,
  };
  return trace;
}

/** The proxy's stream pipeline, its bytes for the client thrown away. */
const pipeline = (observer: StreamObserver) => {
  const stream = new StreamPipeline({ sink: { write: () => undefined }, observer, filterUsage: false });
  return { write: (bytes: Buffer) => stream.push(bytes), end: () => stream.end() };
};

const sse = (events: object[], done = true) =>
  Buffer.from(
    events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : ""),
  );

describe("responseInfoOf", () => {
  it("reads a chat completion's id, model and the finish reason of every choice", () => {
    const body = {
      id: "chatcmpl-1",
      object: "chat.completion",
      model: "gpt-4o-mini-2024-07-18",
      choices: [
        { index: 0, message: { content: "secret words" }, finish_reason: "stop" },
        { index: 1, message: { content: "more" }, finish_reason: "length" },
      ],
    };
    expect(responseInfoOf(body)).toEqual({
      id: "chatcmpl-1",
      model: "gpt-4o-mini-2024-07-18",
      finishReasons: ["stop", "length"],
    });
  });

  it("reports a response's status, or its incomplete reason", () => {
    expect(responseInfoOf({ id: "resp_1", model: "gpt-4o", status: "completed", output: [] })).toEqual({
      id: "resp_1",
      model: "gpt-4o",
      finishReasons: ["completed"],
    });
    const incomplete = { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
    expect(responseInfoOf(incomplete).finishReasons).toEqual(["max_output_tokens"]);
  });

  it("reads an embeddings list's model, and nothing from a body that is not a response", () => {
    expect(responseInfoOf({ object: "list", model: "text-embedding-3-small", data: [] })).toEqual({
      model: "text-embedding-3-small",
    });
    expect(responseInfoOf(undefined)).toEqual({});
    expect(responseInfoOf({ error: { message: "no" } })).toEqual({});
  });
});

describe("observeResponseInfo", () => {
  it("returns the usage observer itself when there is no trace", () => {
    const observer = chatExtractor.observeStream(() => undefined);
    expect(observeResponseInfo(observer, undefined)).toBe(observer);
  });

  it("reads a chat stream's id, model and per-choice finish reasons, and leaves its usage intact", () => {
    const trace = fakeTrace();
    const firstTokens: number[] = [];
    const observer = observeResponseInfo(
      chatExtractor.observeStream(() => firstTokens.push(1)),
      trace,
    );
    const tap = pipeline(observer);
    const base = { id: "chatcmpl-9", object: "chat.completion.chunk", model: "gpt-4o-2024-08-06" };
    tap.write(
      sse([
        { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
        { ...base, choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: null }] },
        { ...base, choices: [{ index: 1, delta: { content: "Yo" }, finish_reason: null }] },
        { ...base, choices: [{ index: 1, delta: {}, finish_reason: "length" }] },
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
        { ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } },
      ]),
    );
    tap.end();
    expect(trace.info).toEqual({
      id: "chatcmpl-9",
      model: "gpt-4o-2024-08-06",
      finishReasons: ["length", "stop"],
    });
    expect(observer.usage).toMatchObject({ promptTokens: 3, completionTokens: 4 });
    expect(firstTokens).toEqual([1]);
  });

  it("takes a response stream's finish reason from its final event only", () => {
    const trace = fakeTrace();
    const observer = observeResponseInfo(
      responsesExtractor.observeStream(() => undefined),
      trace,
    );
    const tap = pipeline(observer);
    const response = { id: "resp_7", object: "response", model: "gpt-4o-mini", output: [] };
    const event = (type: string, data: object) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    tap.write(Buffer.from(event("response.created", { response: { ...response, status: "in_progress" } })));
    tap.write(Buffer.from(event("response.output_text.delta", { delta: "x" })));
    expect(trace.info).toEqual({ id: "resp_7", model: "gpt-4o-mini" });
    tap.write(
      Buffer.from(
        event("response.completed", {
          response: { ...response, status: "completed", usage: { input_tokens: 2, output_tokens: 1 } },
        }),
      ),
    );
    tap.end();
    expect(trace.info).toEqual({ id: "resp_7", model: "gpt-4o-mini", finishReasons: ["completed"] });
    expect(observer.usage).toMatchObject({ promptTokens: 2, completionTokens: 1 });
  });

  it("knows a response stream without event names by the type in its data", () => {
    const trace = fakeTrace();
    const observer = observeResponseInfo(
      responsesExtractor.observeStream(() => undefined),
      trace,
    );
    const tap = pipeline(observer);
    const data = (payload: object) => `data: ${JSON.stringify(payload)}\n\n`;
    const response = { id: "resp_8", object: "response", model: "gpt-4o" };
    tap.write(
      Buffer.from(data({ type: "response.created", response: { ...response, status: "in_progress" } })),
    );
    tap.write(Buffer.from(data({ type: "response.output_text.delta", delta: "finish_reason" })));
    const incomplete = { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
    tap.write(Buffer.from(data({ type: "response.incomplete", response: { ...response, ...incomplete } })));
    tap.end();
    expect(trace.info).toEqual({ id: "resp_8", model: "gpt-4o", finishReasons: ["max_output_tokens"] });
  });
});
