import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  askUpstreamBody,
  canAddIncludeUsage,
  parseRequestBody,
  withIncludeUsage,
} from "../../src/proxy/request-body.js";

const parse = (text: string, fallback?: string) => parseRequestBody(Buffer.from(text), fallback);
const inject = (text: string) => withIncludeUsage(Buffer.from(text), JSON.parse(text)).toString();
const deep = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

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
    expect(inject('  {"model":"m",\n "stream":true}')).toBe(
      '  {"stream_options":{"include_usage":true},"model":"m",\n "stream":true}',
    );
  });

  it("replaces a null stream_options in place", () => {
    expect(inject('{"model":"m", "stream_options" : null ,"stream":true}')).toBe(
      '{"model":"m", "stream_options" : {"include_usage":true} ,"stream":true}',
    );
  });

  it("sets include_usage inside the client's stream_options, keeping its other members as sent", () => {
    expect(inject('{"stream_options":{ "x" : 1 }}')).toBe(
      '{"stream_options":{"include_usage":true, "x" : 1 }}',
    );
    expect(inject('{"stream_options":{ }}')).toBe('{"stream_options":{"include_usage":true }}');
    expect(inject('{"stream_options":{"include_usage":false,"x":[1]}}')).toBe(
      '{"stream_options":{"include_usage":true,"x":[1]}}',
    );
  });

  it("edits the member JSON.parse reads: the last of duplicate keys, keys spelt with escapes", () => {
    expect(inject('{"stream_options":{"a":1},"stream\\u005foptions":null}')).toBe(
      '{"stream_options":{"a":1},"stream\\u005foptions":{"include_usage":true}}',
    );
    const both = inject('{"stream_options":{"include_usage":false,"include_usage":null}}');
    expect(both).toBe('{"stream_options":{"include_usage":true,"include_usage":true}}');
  });

  it("skips strings holding quotes, backslashes and brackets", () => {
    const text = '{"a":"x\\\\","b":"\\"}{[","c":{"d":["]"]},"stream_options":null}';
    expect(JSON.parse(inject(text))).toEqual({
      ...JSON.parse(text),
      stream_options: { include_usage: true },
    });
  });

  it("edits a body nested thousands deep, which JSON.stringify cannot serialise", () => {
    const text = `{"model":"m","metadata":${deep(20_000)},"stream":true,"stream_options":null}`;
    expect(inject(text)).toBe(text.replace(":null}", ':{"include_usage":true}}'));
  });

  it("gives the parsed body with include_usage set, every other member unchanged (property)", () => {
    const options = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.dictionary(fc.string(), fc.jsonValue()),
      fc.record({ include_usage: fc.constantFrom(false, null) }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), options, fc.boolean(), (rest, opts, pretty) => {
        const { stream_options: _, ...body } = rest as Record<string, unknown>;
        const json = opts === undefined ? body : { ...body, stream_options: opts };
        const text = pretty ? JSON.stringify(json, null, 2) : JSON.stringify(json);
        // Compared with the text parsed, not the generated value: JSON has no -0.
        const sent = JSON.parse(text);
        const out = JSON.parse(inject(text));
        expect(out).toEqual({
          ...sent,
          stream_options: { ...(sent.stream_options ?? {}), include_usage: true },
        });
      }),
    );
  });

  it("is called only for stream_options it may complete", () => {
    expect(canAddIncludeUsage({})).toBe(true);
    expect(canAddIncludeUsage({ stream_options: null })).toBe(true);
    expect(canAddIncludeUsage({ stream_options: { include_usage: false } })).toBe(true);
    expect(canAddIncludeUsage({ stream_options: { include_usage: true } })).toBe(false);
    // Invalid shapes go upstream untouched: the upstream's own 400 is the answer.
    expect(canAddIncludeUsage({ stream_options: "yes" })).toBe(false);
    expect(canAddIncludeUsage({ stream_options: [] })).toBe(false);
    expect(canAddIncludeUsage({ stream_options: { include_usage: "yes" } })).toBe(false);
  });
});

describe("askUpstreamBody", () => {
  const ask = (text: string, model = "gpt-4o-mini") => askUpstreamBody(Buffer.from(text), model).toString();

  it("drops stream and stream_options, sets the resolved model, keeps the rest as sent", () => {
    expect(ask('{"stream":true,"messages":[ 1 ],"stream_options":null,"model":null}')).toBe(
      '{"model":"gpt-4o-mini","messages":[ 1 ]}',
    );
    expect(ask("{ }", 'a"b')).toBe('{"model":"a\\"b"}');
  });

  it("rebuilds a body nested thousands deep", () => {
    const out = ask(`{"metadata":${deep(20_000)},"stream":true}`);
    expect(out).toBe(`{"model":"gpt-4o-mini","metadata":${deep(20_000)}}`);
  });
});
