import { constants, createGunzip, gunzipSync } from "node:zlib";
import OpenAI from "openai";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFaults } from "../../src/simulator/faults.js";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { chat, dataPayloads, fault, fixedNow, namedEvents, post, streamed } from "./helpers.js";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ now: fixedNow });
});

afterAll(() => sim.close());

const frames = (sse: string) => sse.split("\n\n").filter((frame) => frame !== "");
const mib = 1024 * 1024;

/** The raw bytes as sent: fetch would decode a gzip body, undici's request does not. */
async function rawPost(path: string, body: unknown, headers: Record<string, string>) {
  return request(`${sim.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "accept-encoding": "identity", ...headers },
    body: JSON.stringify(body),
  });
}

describe("parsing the stream faults", () => {
  it("reads huge_event's size, capped at 64 MiB, and ignores one that is not a positive number", () => {
    expect(parseFaults("huge_event:3145728").hugeEventBytes).toBe(3 * mib);
    expect(parseFaults("huge_event:1e12").hugeEventBytes).toBe(64 * mib);
    expect(parseFaults("huge_event:-5").hugeEventBytes).toBe(0);
    expect(parseFaults("huge_event:x").hugeEventBytes).toBe(0);
  });

  it("combines gzip and error_event with the others", () => {
    expect(parseFaults("gzip, error_event,no_usage")).toMatchObject({
      gzip: true,
      errorEvent: true,
      noUsage: true,
      drop: false,
    });
    expect(parseFaults(undefined)).toMatchObject({ gzip: false, errorEvent: false, hugeEventBytes: 0 });
  });
});

describe("huge_event", () => {
  it("sends the first content piece as one event of the asked size; the stream ends as usual", async () => {
    const text = await (
      await post(sim, "/chat/completions", streamed, fault(`huge_event:${3 * mib}`))
    ).text();
    const chunks = dataPayloads(text).map((payload) => JSON.parse(payload));
    const contents = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? "");
    expect(contents.filter((content: string) => content.length > 1000).map((c: string) => c.length)).toEqual([
      3 * mib,
    ]);
    expect(frames(text).filter((frame) => frame.length > mib)).toHaveLength(1);
    expect(chunks.at(-1).usage.completion_tokens).toBe(contents.filter((c: string) => c !== "").length);
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("reaches the SDK as one long delta on the legacy completions endpoint too", async () => {
    const client = new OpenAI({
      baseURL: sim.url,
      apiKey: "test",
      defaultHeaders: fault("huge_event:100000"),
    });
    const stream = await client.completions.create({
      model: "gpt-3.5-turbo-instruct",
      prompt: "Hi",
      stream: true,
    });
    const lengths: number[] = [];
    for await (const chunk of stream) lengths.push(chunk.choices[0]?.text.length ?? 0);
    expect(lengths.filter((length) => length >= 100_000)).toEqual([100_000]);
  });
});

describe("gzip", () => {
  it("compresses a stream though the client asked for identity, each event decodable as it arrives", async () => {
    const paced = await startSimulator({ tokensPerSecond: 40 });
    try {
      const response = await request(`${paced.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "accept-encoding": "identity", ...fault("gzip") },
        body: JSON.stringify({ ...streamed, model: "gpt-4o-mini" }),
      });
      expect(response.headers["content-encoding"]).toBe("gzip");
      const gunzip = createGunzip({ flush: constants.Z_SYNC_FLUSH });
      let decoded = "";
      let bodyEnded = false;
      let firstEventBeforeEnd = false;
      gunzip.on("data", (chunk: Buffer) => {
        decoded += chunk.toString();
        if (!bodyEnded && decoded.includes("\n\n")) firstEventBeforeEnd = true;
      });
      for await (const chunk of response.body) gunzip.write(chunk);
      bodyEnded = true;
      await new Promise((resolve) => gunzip.end(resolve));
      expect(firstEventBeforeEnd).toBe(true);
      expect(decoded.endsWith("data: [DONE]\n\n")).toBe(true);
      expect(decoded).toContain('"usage":{"prompt_tokens"');
    } finally {
      await paced.close();
    }
  });

  it("compresses a JSON answer, content-length counting the compressed bytes", async () => {
    const response = await rawPost("/chat/completions", chat, fault("gzip"));
    const body = Buffer.from(await response.body.arrayBuffer());
    expect(response.headers["content-encoding"]).toBe("gzip");
    expect(Number(response.headers["content-length"])).toBe(body.length);
    const completion = JSON.parse(gunzipSync(body).toString());
    expect(completion.usage.total_tokens).toBeGreaterThan(0);
  });

  it("compresses an error answer too", async () => {
    const response = await rawPost("/chat/completions", chat, fault("gzip,rate_limit"));
    expect(response.statusCode).toBe(429);
    const body = Buffer.from(await response.body.arrayBuffer());
    expect(JSON.parse(gunzipSync(body).toString()).error.code).toBe("rate_limit_exceeded");
  });

  it("is read by the SDK, whose fetch decodes it, streamed or not", async () => {
    const client = new OpenAI({ baseURL: sim.url, apiKey: "test", defaultHeaders: fault("gzip") });
    const completion = await client.chat.completions.create(chat);
    expect(completion.choices[0]?.message.content).not.toBe("");
    const stream = await client.chat.completions.create({ ...chat, stream: true });
    let content = "";
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? "";
    expect(content).not.toBe("");
  });
});

describe("error_event", () => {
  it("ends a chat stream after three chunks with OpenAI's error object, without usage or [DONE]", async () => {
    const text = await (await post(sim, "/chat/completions", streamed, fault("error_event"))).text();
    const payloads = dataPayloads(text);
    expect(payloads).toHaveLength(4);
    expect(JSON.parse(payloads[3] as string)).toEqual({
      error: {
        message: "The server had an error while processing your request. Sorry about that!",
        type: "server_error",
        param: null,
        code: null,
      },
    });
    expect(text.startsWith("data: {")).toBe(true);
    expect(text).not.toContain("[DONE]");
    expect(text).not.toContain('"usage":{');
  });

  it("ends a Responses stream with an `error` event numbered after the events before it", async () => {
    const body = { model: "gpt-4o-mini", input: "Hello", stream: true };
    const text = await (await post(sim, "/responses", body, fault("error_event"))).text();
    const events = namedEvents(text);
    expect(events.map((event) => event.data.sequence_number)).toEqual([0, 1, 2, 3]);
    expect(events.at(-1)).toEqual({
      event: "error",
      data: {
        type: "error",
        code: "server_error",
        message: "The server had an error while processing your request. Sorry about that!",
        param: null,
        sequence_number: 3,
      },
    });
    expect(text).not.toContain("response.completed");
  });

  it("surfaces in the SDK as an APIError raised mid-stream", async () => {
    const client = new OpenAI({ baseURL: sim.url, apiKey: "test", defaultHeaders: fault("error_event") });
    const stream = await client.chat.completions.create({ ...chat, stream: true });
    const read = async () => {
      for await (const _ of stream) {
        // reading to the error
      }
    };
    await expect(read()).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it("combines with gzip: the compressed stream carries the error event", async () => {
    const response = await rawPost("/chat/completions", streamed, fault("gzip,error_event"));
    const text = gunzipSync(Buffer.from(await response.body.arrayBuffer())).toString();
    const payloads = dataPayloads(text);
    expect(payloads).toHaveLength(4);
    expect(JSON.parse(payloads[3] as string).error.type).toBe("server_error");
  });
});
