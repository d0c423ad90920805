import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { chat, fault, fixedNow, fixtureBody, post, streamed, waitFor } from "./helpers.js";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ now: fixedNow });
});

afterAll(() => sim.close());

/** Reads until `frames` SSE frames arrived; returns the text and the still-open reader. */
async function readFrames(response: Response, frames: number) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (text.split("\n\n").length - 1 < frames) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return { text, reader };
}

function silentFor(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number): Promise<boolean> {
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(true), ms));
  return Promise.race([reader.read().then(() => false), timeout]);
}

describe("error faults", () => {
  it("rate_limit answers 429 rate_limit_exceeded with retry-after and exhausted request headers", async () => {
    const response = await post(sim, "/chat/completions", chat, fault("rate_limit"));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("20");
    expect(response.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type: "requests", param: null, code: "rate_limit_exceeded" });
    expect(error.message).toMatch(
      /^Rate limit reached for gpt-4o-mini in organization org-\S+ on requests per min/,
    );
  });

  it("rate_limit surfaces as the SDK's RateLimitError", async () => {
    const client = new OpenAI({
      baseURL: sim.url,
      apiKey: "test",
      maxRetries: 0,
      defaultHeaders: fault("rate_limit"),
    });
    await expect(client.chat.completions.create(chat)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it("insufficient_quota answers fixture 29's body byte for byte", async () => {
    const response = await post(sim, "/chat/completions", chat, fault("insufficient_quota"));
    expect(response.status).toBe(429);
    expect(await response.text()).toBe(fixtureBody("29_error_429_insufficient_quota_chat.json"));
  });

  it("server_error answers 500 server_error", async () => {
    const response = await post(sim, "/chat/completions", streamed, fault("server_error"));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: {
        message: "The server had an error while processing your request. Sorry about that!",
        type: "server_error",
        param: null,
        code: null,
      },
    });
  });

  it("slow_headers delays the status line, then answers normally", async () => {
    const started = performance.now();
    const response = await post(sim, "/chat/completions", chat, fault("slow_headers:200"));
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(response.status).toBe(200);
  });

  it("no_usage never reports usage, streamed or not", async () => {
    const text = await (await post(sim, "/chat/completions", streamed, fault("no_usage"))).text();
    expect(text).not.toContain('"usage"');
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const body = (await (await post(sim, "/chat/completions", chat, fault("no_usage"))).json()) as object;
    expect(body).not.toHaveProperty("usage");
  });

  it("usage:N reports N prompt and completion tokens, as a broken upstream might", async () => {
    const text = await (await post(sim, "/chat/completions", streamed, fault("usage:1e308"))).text();
    expect(text).toContain('"prompt_tokens":1e+308,"completion_tokens":1e+308');
    const body = (await (await post(sim, "/chat/completions", chat, fault("usage:-3"))).json()) as {
      usage: Record<string, unknown>;
    };
    expect(body.usage).toMatchObject({ prompt_tokens: -3, completion_tokens: -3 });
  });
});

describe("connection faults and aborts", () => {
  it("stall sends two chunks then nothing; the client's abort is counted", async () => {
    const controller = new AbortController();
    const before = sim.stats.clientAborts;
    const response = await post(sim, "/chat/completions", streamed, fault("stall"), controller.signal);
    const { text, reader } = await readFrames(response, 2);
    expect(text.split("\n\n").filter((frame) => frame.startsWith("data: "))).toHaveLength(2);
    expect(await silentFor(reader, 300)).toBe(true);
    controller.abort();
    await waitFor(() => sim.stats.clientAborts === before + 1);
    expect(sim.stats.lastAbortAt).toBeGreaterThan(Date.now() - 5000);
  });

  it("stall on a non-streamed request never answers", async () => {
    const before = sim.stats.clientAborts;
    const request = post(sim, "/chat/completions", chat, fault("stall"), AbortSignal.timeout(300));
    await expect(request).rejects.toThrow();
    await waitFor(() => sim.stats.clientAborts === before + 1);
  });

  it("drop cuts a stream after three chunks, without [DONE] or usage", async () => {
    const before = sim.stats.clientAborts;
    const response = await post(sim, "/chat/completions", streamed, fault("drop"));
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const drain = async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    };
    await expect(drain()).rejects.toThrow();
    expect(text.split("\n\n").filter((frame) => frame.startsWith("data: "))).toHaveLength(3);
    expect(text).not.toContain("[DONE]");
    expect(text).not.toContain('"usage":{');
    expect(sim.stats.clientAborts).toBe(before);
  });

  it("drop closes the socket before a non-streamed answer", async () => {
    await expect(post(sim, "/chat/completions", chat, fault("drop"))).rejects.toThrow();
  });

  it("counts a client that leaves a paced stream halfway", async () => {
    const slow = await startSimulator({ tokensPerSecond: 50 });
    try {
      const controller = new AbortController();
      const response = await post(
        slow,
        "/chat/completions",
        streamed,
        { "x-simulator-tokens": "40" },
        controller.signal,
      );
      await readFrames(response, 3);
      controller.abort();
      await waitFor(() => slow.stats.clientAborts === 1);
    } finally {
      await slow.close();
    }
  });

  it("close() ends stalled streams and resolves", async () => {
    const other = await startSimulator();
    const response = await post(other, "/chat/completions", streamed, fault("stall"));
    const { reader } = await readFrames(response, 2);
    expect(other.stats.openSockets).toBe(1);
    await other.close();
    await expect(reader.read()).rejects.toThrow();
    expect(other.stats.openSockets).toBe(0);
  });
});
