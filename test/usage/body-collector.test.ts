import { describe, expect, it } from "vitest";
import { createBodyCollector } from "../../src/usage/body-collector.js";
import { loadTranscript, randomChunks } from "../helpers/fixtures.js";

const mib = 1024 * 1024;

/** What a collected body reads as: its (possibly lazily parsed) JSON, usage and answering model. */
function collect(chunks: readonly Buffer[]) {
  const collector = createBodyCollector();
  for (const chunk of chunks) collector.push(chunk);
  const { json, usage, model } = collector.finish();
  return { json, usage, model };
}

/** An embeddings answer of `count` vectors, OpenAI's layout: the usage after the large array. */
function embeddingsBody(count: number, dimensions: number): Buffer {
  const vector = Array.from({ length: dimensions }, (_, i) => (Math.sin(i) / 3).toFixed(9));
  const data = Array.from(
    { length: count },
    (_, index) =>
      `    {\n      "object": "embedding",\n      "index": ${index},\n      "embedding": [${vector.join(", ")}]\n    }`,
  );
  const usage = `"usage": {\n    "prompt_tokens": ${count * 7},\n    "total_tokens": ${count * 7}\n  }`;
  const text = `{\n  "object": "list",\n  "data": [\n${data.join(",\n")}\n  ],\n  "model": "text-embedding-3-small",\n  ${usage}\n}\n`;
  return Buffer.from(text);
}

describe("body collector: whole bodies", () => {
  it.each([
    "01_chat_nonstream_gpt-4o-mini_basic",
    "05_chat_nonstream_gpt-5-nano_reasoning_tokens",
    "07_chat_nonstream_gpt-4.1_tool_calls_cached",
    "09b_chat_nonstream_gpt-4o-mini-audio-preview_audio_output",
    "31_embeddings_float_dimensions",
    "32_embeddings_base64",
    "40_responses_nonstream_gpt-5.4_reasoning_tokens",
    "46_responses_nonstream_gpt-5-nano_tools_cached_and_reasoning",
    "50_legacy_completions_nonstream_babbage",
  ])("%s: parsed whole in any chunking, with its usage and the model that answered", (name) => {
    const bytes = Buffer.from(loadTranscript(name).response.body);
    const parsed = JSON.parse(bytes.toString()) as { usage: unknown; model: string };
    expect(parsed.model).toMatch(/\S/);
    for (const seed of [1, 2, 3]) {
      expect(collect(randomChunks(bytes, seed, 512))).toEqual({
        json: parsed,
        usage: parsed.usage,
        model: parsed.model,
      });
    }
  });

  it("has no JSON, usage or model for a body that is not JSON, or no usage when it has none", () => {
    expect(collect([Buffer.from("<html>502</html>")])).toEqual({
      json: undefined,
      usage: undefined,
      model: undefined,
    });
    expect(collect([Buffer.from('{"error":{"code":"x"}}')]).usage).toBeUndefined();
  });
});

describe("body collector: bodies over 1 MiB are read from their tail", () => {
  const big = embeddingsBody(260, 1536);

  it("the test body is an embeddings answer of more than 1 MiB", () => {
    expect(big.length).toBeGreaterThan(3 * mib);
    expect(JSON.parse(big.toString()).usage.prompt_tokens).toBe(1820);
  });

  it("finds the top-level usage in its tail, whatever the chunk size", () => {
    for (const size of [16 * 1024, 64 * 1024, 200 * 1024]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < big.length; at += size) chunks.push(big.subarray(at, at + size));
      expect(collect(chunks), `chunks of ${size}`).toEqual({
        json: undefined,
        usage: { prompt_tokens: 1820, total_tokens: 1820 },
        model: "text-embedding-3-small",
      });
    }
  });

  it("in one chunk, and in random small chunks", () => {
    const expected = {
      json: undefined,
      usage: { prompt_tokens: 1820, total_tokens: 1820 },
      model: "text-embedding-3-small",
    };
    expect(collect([big])).toEqual(expected);
    expect(collect(randomChunks(big, 11, 9000))).toEqual(expected);
  });

  it("skips a usage key quoted in a later string (Responses put metadata after usage), and braces in strings", () => {
    const filler = "x".repeat(mib);
    const usage =
      '{"input_tokens":5,"output_tokens":2,"note":"{}}","output_tokens_details":{"reasoning_tokens":1}}';
    const metadata = JSON.stringify({ k: 'a quoted "usage": {"input_tokens": 99} here' });
    const text = `{"output":[{"content":[{"text":"${filler}"}]}],"usage":${usage},"metadata":${metadata}}`;
    expect(collect(randomChunks(Buffer.from(text), 3, 70_000)).usage).toEqual(JSON.parse(usage));
  });

  it("parses a body of exactly 1 MiB whole, and one byte more from its tail", () => {
    const body = (size: number) => {
      const tail = '","usage":{"prompt_tokens":4}}';
      return Buffer.from(`{"pad":"${"y".repeat(size - tail.length - 8)}${tail}`);
    };
    const inChunks = (bytes: Buffer) => [bytes.subarray(0, 100_000), bytes.subarray(100_000)];
    expect(body(mib).length).toBe(mib);
    expect(collect(inChunks(body(mib))).json).toMatchObject({ usage: { prompt_tokens: 4 } });
    expect(collect(inChunks(body(mib + 1)))).toEqual({
      json: undefined,
      usage: { prompt_tokens: 4 },
      model: undefined,
    });
  });
});

describe("body collector: the model that answered", () => {
  it("is the first model key, the top-level one, and never a quoted one in content", () => {
    const body = '{"instructions":"say \\"model\\": \\"evil\\"","model":"gpt-4o-2024-08-06","choices":[]}';
    expect(collect([Buffer.from(body)]).model).toBe("gpt-4o-2024-08-06");
  });

  it("unescapes the name, and is undefined when the value is not a string", () => {
    expect(collect([Buffer.from('{"model" : "a\\/b"}')]).model).toBe("a/b");
    expect(collect([Buffer.from('{"model":null}')]).model).toBeUndefined();
    expect(collect([Buffer.from('{"model":""}')]).model).toBeUndefined();
  });
});
