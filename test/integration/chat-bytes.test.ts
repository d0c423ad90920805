import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../helpers/stack.js";

// A fixed clock makes the simulator's answers byte-identical for identical bodies.
const fixedNow = () => Date.UTC(2026, 0, 2, 3, 4, 5);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ simulator: { now: fixedNow } });
});
afterAll(() => stack.close());

const messages = [{ role: "user", content: "Name three oceans, briefly. Ünïcödé and 日本語 included." }];
const tools = [
  {
    type: "function",
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } } },
    },
  },
];

async function post(
  base: string,
  path: string,
  body: unknown,
): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    bytes: Buffer.from(await response.arrayBuffer()),
    headers: response.headers,
  };
}

/** The same body sent straight to the simulator and through the proxy. */
async function bothWays(body: unknown, path = "/chat/completions") {
  const direct = await post(stack.simulatorUrl, path, body);
  const proxied = await post(`${stack.proxyUrl}/v1`, path, body);
  return { direct, proxied };
}

const cases: Array<[string, Record<string, unknown>]> = [
  ["non-streamed", { model: "gpt-4o-mini", messages }],
  ["non-streamed n=2", { model: "gpt-4o-mini", messages, n: 2 }],
  ["non-streamed tool call", { model: "gpt-4.1", messages, tools }],
  ["streamed, no usage asked", { model: "gpt-4o-mini", messages, stream: true }],
  [
    "streamed, usage asked",
    { model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } },
  ],
  [
    "streamed, usage explicitly off",
    { model: "gpt-4o", messages, stream: true, stream_options: { include_usage: false } },
  ],
  ["streamed tool-call deltas", { model: "gpt-4.1", messages, tools, stream: true }],
  [
    "streamed tool-call deltas with usage",
    { model: "gpt-4.1", messages, tools, stream: true, stream_options: { include_usage: true } },
  ],
  ["streamed n=2", { model: "gpt-4o-mini", messages, n: 2, stream: true }],
  ["streamed reasoning model", { model: "gpt-5-nano", messages, stream: true }],
];

describe("the proxy is byte-transparent for chat completions", () => {
  it.each(cases)("%s: same status and body bytes as the simulator directly", async (_name, body) => {
    const { direct, proxied } = await bothWays(body);
    expect(direct.status).toBe(200);
    expect(proxied.status).toBe(direct.status);
    expect(proxied.bytes.toString("utf8")).toBe(direct.bytes.toString("utf8"));
    expect(proxied.bytes.equals(direct.bytes)).toBe(true);
    expect(proxied.headers.get("content-type")).toBe(direct.headers.get("content-type"));
    expect(proxied.headers.get("x-request-id")).toMatch(/^req_/);
    expect(proxied.headers.get("x-ratelimit-limit-requests")).toBe(
      direct.headers.get("x-ratelimit-limit-requests"),
    );
  });

  it("adds include_usage upstream only to a streamed request that did not ask, splicing nothing else", async () => {
    const raw = JSON.stringify({ model: "gpt-4o-mini", messages, stream: true });
    await fetch(`${stack.proxyUrl}/v1/chat/completions`, {
      method: "POST",
      body: raw,
      headers: { "content-type": "application/json" },
    }).then((r) => r.arrayBuffer());
    expect(stack.simulator.stats.lastRequestBody).toBe(
      `{"stream_options":{"include_usage":true},${raw.slice(1)}`,
    );
  });

  it("merges include_usage into stream_options the client sent without it", async () => {
    const body = {
      model: "gpt-4o-mini",
      messages,
      stream: true,
      stream_options: { include_obfuscation: false },
    };
    await post(`${stack.proxyUrl}/v1`, "/chat/completions", body);
    const seen = JSON.parse(stack.simulator.stats.lastRequestBody ?? "{}");
    expect(seen.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
    expect(seen.messages).toEqual(messages);
  });

  it("sends a non-streamed body upstream unchanged, byte for byte", async () => {
    const raw = `{ "messages" : ${JSON.stringify(messages)},\n  "model": "gpt-4o-mini" }`;
    await fetch(`${stack.proxyUrl}/v1/chat/completions`, {
      method: "POST",
      body: raw,
      headers: { "content-type": "application/json" },
    }).then((r) => r.arrayBuffer());
    expect(stack.simulator.stats.lastRequestBody).toBe(raw);
  });

  it("is transparent for legacy completions streams and the Responses API", async () => {
    const completions = await bothWays(
      { model: "gpt-3.5-turbo-instruct", prompt: "Say hi", stream: true },
      "/completions",
    );
    expect(completions.proxied.bytes.equals(completions.direct.bytes)).toBe(true);
    const responses = await bothWays({ model: "gpt-4o-mini", input: "Say hi", stream: true }, "/responses");
    expect(responses.proxied.bytes.equals(responses.direct.bytes)).toBe(true);
  });
});
