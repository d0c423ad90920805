import { describe, expect, it } from "vitest";
import { createSseTap, type SseEvent } from "../../src/stream/sse-tap.js";
import { sseBytes } from "../helpers/fixtures.js";

function tapAll(chunks: Uint8Array[]): SseEvent[] {
  const events: SseEvent[] = [];
  const tap = createSseTap((event) => events.push({ event: event.event, data: event.data }));
  for (const chunk of chunks) tap.write(chunk);
  tap.end();
  return events;
}

describe("SSE tap", () => {
  it("reads every event of a recorded chat stream, whatever the split (every byte position)", () => {
    const stream = sseBytes("16_chat_stream_gpt-4o-mini_parallel_tool_calls_include_usage");
    const whole = tapAll([stream]);
    expect(whole.at(-1)?.data).toBe("[DONE]");
    expect(JSON.parse(whole.at(-2)?.data ?? "{}").usage.total_tokens).toBe(126);
    for (let at = 0; at <= stream.length; at++) {
      expect(tapAll([stream.subarray(0, at), stream.subarray(at)]), `split at ${at}`).toEqual(whole);
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
