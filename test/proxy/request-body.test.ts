import { describe, expect, it } from "vitest";
import { clientAskedForUsage, parseRequestBody, withIncludeUsage } from "../../src/proxy/request-body.js";

const parse = (text: string, fallback?: string) => parseRequestBody(Buffer.from(text), fallback);

describe("parseRequestBody", () => {
  it("reads model and stream", () => {
    expect(parse('{"model":"gpt-4o","stream":true}')).toMatchObject({ model: "gpt-4o", stream: true });
    expect(parse('{"messages":[]}', "gpt-4o-mini")).toMatchObject({ model: "gpt-4o-mini", stream: false });
  });

  it.each([
    ["not json", "invalid_json"],
    ["[1,2]", "invalid_json"],
    ['"text"', "invalid_json"],
    ['{"messages":[]}', "missing_model"],
    ['{"model":""}', "missing_model"],
    ['{"model":42}', "missing_model"],
  ])("refuses %s with a 400 %s", (text, code) => {
    expect(() => parse(text)).toThrow(expect.objectContaining({ status: 400, code }));
  });
});

describe("withIncludeUsage", () => {
  it("splices stream_options after the opening brace, leaving every other byte", () => {
    const body = Buffer.from('  {"model":"m",\n "stream":true}');
    const out = withIncludeUsage(body, JSON.parse(body.toString()));
    expect(out.toString()).toBe('  {"stream_options":{"include_usage":true},"model":"m",\n "stream":true}');
  });

  it("merges into stream_options the client sent", () => {
    const json = { model: "m", stream: true, stream_options: { include_usage: false, x: 1 } };
    const out = JSON.parse(withIncludeUsage(Buffer.from(JSON.stringify(json)), json).toString());
    expect(out.stream_options).toEqual({ include_usage: true, x: 1 });
  });

  it("knows when the client asked for usage itself", () => {
    expect(clientAskedForUsage({ stream_options: { include_usage: true } })).toBe(true);
    expect(clientAskedForUsage({ stream_options: { include_usage: false } })).toBe(false);
    expect(clientAskedForUsage({})).toBe(false);
  });
});
