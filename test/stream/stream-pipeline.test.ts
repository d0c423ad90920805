import { describe, expect, it } from "vitest";
import type { SseEvent } from "../../src/stream/event-observer.js";
import { StreamPipeline } from "../../src/stream/stream-pipeline.js";
import { sseBytes } from "../helpers/fixtures.js";
import { runPipeline } from "../helpers/stream-helpers.js";

/** The events an observer that wants them all reads; the bytes must pass unchanged meanwhile. */
function tapAll(chunks: Buffer[]): SseEvent[] {
  const run = runPipeline(chunks, false);
  expect(run.bytes.equals(Buffer.concat(chunks))).toBe(true);
  return run.events;
}

describe("stream pipeline, observing", () => {
  it("reads every event of a recorded chat stream, whatever the split (every byte position)", () => {
    const stream = sseBytes("16_chat_stream_gpt-4o-mini_parallel_tool_calls_include_usage");
    const whole = tapAll([stream]);
    expect(whole.at(-1)?.data).toBe("[DONE]");
    expect(JSON.parse(whole.at(-2)?.data ?? "{}").usage.total_tokens).toBe(126);
    for (let at = 0; at <= stream.length; at++) {
      expect(tapAll([stream.subarray(0, at), stream.subarray(at)]), `split at ${at}`).toEqual(whole);
    }
  });

  it("shows the observer the original events with the usage filter on too, the usage chunk included", () => {
    const stream = sseBytes("12_chat_stream_gpt-4o-mini_include_usage");
    const whole = tapAll([stream]);
    for (let at = 0; at <= stream.length; at++) {
      const run = runPipeline([stream.subarray(0, at), stream.subarray(at)], true);
      expect(run.events, `split at ${at}`).toEqual(whole);
    }
  });

  it("reads Responses API events with their event names", () => {
    const events = tapAll([sseBytes("43_responses_stream_gpt-5-nano_reasoning")]);
    expect(events[0]?.event).toBe("response.created");
    expect(events.at(-1)?.event).toBe("response.completed");
  });

  it("decodes a multi-byte character split across chunks once, whole", () => {
    const bytes = Buffer.from('data: {"c":"日本 🚀"}\n\n');
    const expected = [{ event: undefined, data: '{"c":"日本 🚀"}' }];
    for (let at = 0; at <= bytes.length; at++) {
      expect(tapAll([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(expected);
    }
  });

  it("accepts CRLF and CR framing and data: without its space", () => {
    expect(tapAll([Buffer.from('data:{"a":1}\r\n\r\ndata: 2\r\r')]).map((e) => e.data)).toEqual([
      '{"a":1}',
      "2",
    ]);
  });

  it("dispatches a final event that has no blank line after it", () => {
    expect(tapAll([Buffer.from("data: 1\n\ndata: last")]).map((e) => e.data)).toEqual(["1", "last"]);
    expect(tapAll([Buffer.from("data: 1\n\ndata: last\n")]).map((e) => e.data)).toEqual(["1", "last"]);
  });

  it("joins multi-line data and ignores comments", () => {
    expect(tapAll([Buffer.from(": keep-alive\n\ndata: a\ndata: b\n\n")]).map((e) => e.data)).toEqual([
      "a\nb",
    ]);
  });
});

describe("stream pipeline, error events", () => {
  it.each([
    ['data: {"error":{"message":"boom","type":"server_error"}}\n\n', true],
    ['data:{"error":{"message":"boom"}}\r\n\r\n', true],
    ['event: error\ndata: {"type":"error","code":"server_error"}\n\n', true],
    ["event:error\r\ndata: {}\r\n\r\n", true],
    ['data: {"id":"c","choices":[{"delta":{"content":"\\"error\\""}}]}\n\n', false],
    ["event: errors\ndata: {}\n\n", false],
    ['event: response.failed\ndata: {"response":{"error":{}}}\n\n', false],
    ["data: [DONE]\n\n", false],
  ])("%j: error event %s", (event, expected) => {
    const bytes = Buffer.from(event);
    for (let at = 0; at <= bytes.length; at++) {
      const run = runPipeline([bytes.subarray(0, at), bytes.subarray(at)], at % 2 === 0);
      expect(run.sawErrorEvent, `split at ${at}`).toBe(expected);
    }
  });
});

describe("stream pipeline, an event too long to decode", () => {
  const long = (size: number) => {
    const event = Buffer.alloc(size, 0x61);
    event.write('data: {"x":"');
    event.write('"}\n\n', size - 4);
    return event;
  };

  it("is passed on whole and told to the observer by its length, in both modes", () => {
    const event = long(5 * 1024 * 1024);
    const stream = Buffer.concat([Buffer.from("data: 1\n\n"), event, Buffer.from("data: 2\n\n")]);
    const chunks = Array.from({ length: Math.ceil(stream.length / 65536) }, (_, i) =>
      stream.subarray(i * 65536, (i + 1) * 65536),
    );
    for (const filterUsage of [false, true]) {
      const run = runPipeline(chunks, filterUsage);
      expect(run.bytes.equals(stream)).toBe(true);
      expect(run.events.map((e) => e.data)).toEqual(["1", "2"]);
      expect(run.longEvents).toEqual([event.length]);
    }
  });
});

describe("stream pipeline, the usage filter's rewriting in place", () => {
  const withNull = (n: number) => `data: {"id":"c","n":${n},"usage":null}\n\n`;
  const without = (n: number) => `data: {"id":"c","n":${n}}\n\n`;

  it("keeps the order of events rewritten in a chunk, events joined across chunks and long events", () => {
    const long = Buffer.alloc(5 * 1024 * 1024, 0x61);
    long.write('data: {"x":"');
    long.write('"}\n\n', long.length - 4);
    const head = Array.from({ length: 40 }, (_, n) => withNull(n)).join("");
    const tail = Array.from({ length: 40 }, (_, n) => withNull(100 + n)).join("");
    const stream = Buffer.concat([Buffer.from(head), long, Buffer.from(tail)]);
    const expected = Buffer.concat([
      Buffer.from(Array.from({ length: 40 }, (_, n) => without(n)).join("")),
      long,
      Buffer.from(Array.from({ length: 40 }, (_, n) => without(100 + n)).join("")),
    ]);
    for (const size of [65_536, 1_000, 333]) {
      const chunks = Array.from({ length: Math.ceil(stream.length / size) }, (_, i) =>
        stream.subarray(i * size, (i + 1) * size),
      );
      expect(runPipeline(chunks, true).bytes.equals(expected), `chunks of ${size}`).toBe(true);
    }
  });

  it("writes one piece per chunk of whole events, however many events it held", () => {
    const written: number[] = [];
    const chunk = Buffer.from(Array.from({ length: 20 }, (_, n) => withNull(n)).join(""));
    const pipeline = new StreamPipeline({
      sink: { write: (bytes) => written.push(bytes.length) },
      observer: { wants: () => false, onEvent: () => undefined, onLongEvent: () => undefined },
      filterUsage: true,
    });
    pipeline.push(chunk);
    pipeline.end();
    expect(written).toEqual([Array.from({ length: 20 }, (_, n) => without(n)).join("").length]);
  });
});
