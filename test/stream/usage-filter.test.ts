import { describe, expect, it } from "vitest";
import { findEventEnd } from "../../src/stream/event-boundary.js";
import { usageNullSpan } from "../../src/stream/usage-filter.js";
import { sseBytes } from "../helpers/fixtures.js";
import { stripAll } from "../helpers/stream-helpers.js";

const dataOf = (stream: string): string[] =>
  stream
    .split(/\r\n\r\n|\n\n/)
    .filter((event) => event.startsWith("data:"))
    .map((event) => event.replace(/^data: ?/, ""));

describe("usage filter on the recorded OpenAI streams", () => {
  it.each([
    "10_chat_stream_gpt-4_include_usage",
    "12_chat_stream_gpt-4o-mini_include_usage",
    "13_chat_stream_gpt-4.1_include_usage_cached_obfuscation",
    "16_chat_stream_gpt-4o-mini_parallel_tool_calls_include_usage",
    "17_chat_stream_gpt-4o-mini_n2_include_usage",
    "51_legacy_completions_stream_include_usage",
  ])("%s: every chunk loses only its usage field, the usage-only chunk goes, [DONE] stays", (name) => {
    const original = sseBytes(name);
    const stripped = stripAll([original]).toString("utf8");
    const before = dataOf(original.toString("utf8"));
    const after = dataOf(stripped);
    expect(after).toHaveLength(before.length - 1);
    expect(after.at(-1)).toBe("[DONE]");
    expect(stripped).not.toContain('"usage"');
    for (const [i, data] of after.slice(0, -1).entries()) {
      const { usage, ...expected } = JSON.parse(before[i] as string);
      expect(usage).toBeNull();
      expect(JSON.parse(data)).toEqual(expected);
    }
  });

  it.each([
    "11_chat_stream_gpt-4_no_usage",
    "15_chat_stream_gpt-5-nano_no_usage",
    "18_chat_stream_gpt-4o-mini_parallel_tool_calls_no_usage",
  ])("%s: a stream with nothing to strip passes byte for byte", (name) => {
    const original = sseBytes(name);
    expect(stripAll([original]).equals(original)).toBe(true);
  });

  it("gives the same bytes whatever the chunk boundaries (split at every byte position)", () => {
    const original = sseBytes("12_chat_stream_gpt-4o-mini_include_usage");
    const whole = stripAll([original]);
    for (let at = 0; at <= original.length; at++) {
      const split = stripAll([original.subarray(0, at), original.subarray(at)]);
      expect(split.equals(whole), `split at byte ${at}`).toBe(true);
    }
    const byteByByte = stripAll([...original].map((byte) => Buffer.from([byte])));
    expect(byteByByte.equals(whole)).toBe(true);
  });

  it("keeps CRLF framing and multi-byte characters intact", () => {
    const lf = sseBytes("17_chat_stream_gpt-4o-mini_n2_include_usage").toString("utf8");
    const crlf = Buffer.from(lf.replace(/\n/g, "\r\n").replace('"content":"', '"content":"日本 é 🚀 '));
    const whole = stripAll([crlf]);
    expect(whole.toString("utf8")).toContain("日本 é 🚀 ");
    expect(whole.toString("utf8")).not.toMatch(/"usage"|[^\r]\n/);
    for (let at = 0; at <= crlf.length; at += 31) {
      expect(stripAll([crlf.subarray(0, at), crlf.subarray(at)]).equals(whole), `split at ${at}`).toBe(true);
    }
  });

  it("rewrites an event whose usage field stands before other fields", () => {
    const event = Buffer.from('data: {"usage":null,"id":"x","choices":[]}\n\n');
    expect(stripAll([event]).toString()).toBe('data: {"id":"x","choices":[]}\n\n');
  });

  it("finds the usage field at the end without a search, in LF and CRLF framing, and elsewhere by one", () => {
    const end = 'data: {"id":"x","choices":[{"delta":{}}],"usage":null}';
    expect(usageNullSpan(Buffer.from(`${end}\n\n`))).toBe(end.length - 14);
    expect(usageNullSpan(Buffer.from(`${end}\r\n\r\n`))).toBe(end.length - 14);
    expect(usageNullSpan(Buffer.from('data: {"id":"x","usage":null,"obfuscation":"ab"}\n\n'))).toBe(15);
    expect(usageNullSpan(Buffer.from('data: {"usage":null,"id":"x"}\n\n'))).toBe(7);
    expect(usageNullSpan(Buffer.from('data: {"id":"x","usage": null}\n\n'))).toBe(-1);
  });

  it("drops the usage-only chunk, whatever the spacing of its usage object", () => {
    const event = Buffer.from('data: {"id":"x","choices":[],"usage": {"prompt_tokens":1}}\n\n');
    expect(stripAll([Buffer.from("data: 1\n\n"), event]).toString()).toBe("data: 1\n\n");
  });

  it("rewrites a final event that has no blank line after it", () => {
    const stream = Buffer.from(
      'data: {"id":"a","choices":[{"delta":{}}],"usage":null}\n\ndata: {"id":"b","choices":[],"usage":null}',
    );
    expect(stripAll([stream]).toString()).toBe(
      'data: {"id":"a","choices":[{"delta":{}}]}\n\ndata: {"id":"b","choices":[]}',
    );
  });
});

describe("findEventEnd", () => {
  it("finds blank lines in LF, CRLF and CR framing", () => {
    expect(findEventEnd(Buffer.from("data: a\n\nrest"), 0)).toBe(9);
    expect(findEventEnd(Buffer.from("data: a\r\n\r\nrest"), 0)).toBe(11);
    expect(findEventEnd(Buffer.from("data: a\r\rrest"), 0)).toBe(9);
    expect(findEventEnd(Buffer.from("data: a\n\r\nrest"), 0)).toBe(10);
  });

  it("waits when the bytes so far cannot tell", () => {
    expect(findEventEnd(Buffer.from("data: a\n"), 0)).toBe(-1);
    expect(findEventEnd(Buffer.from("data: a\r\n\r"), 0)).toBe(-1);
    expect(findEventEnd(Buffer.from("data: a\r"), 0)).toBe(-1);
    expect(findEventEnd(Buffer.from("data: a\ndata: b\n"), 0)).toBe(-1);
  });
});
