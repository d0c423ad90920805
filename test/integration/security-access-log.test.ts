import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, postJson, type RawResponse, rawRequest } from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

const marker = `MARKER-${randomBytes(8).toString("hex")}`;
const secret = randomBytes(12).toString("hex");
const clientKey = `pk-test-${secret}`;
const ownKey = `sk-own-${randomBytes(12).toString("hex")}`;
const metricsToken = `mt-${randomBytes(12).toString("hex")}`;

const lines: string[] = [];
const bodies: RawResponse[] = [];
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    env: { PROXY_API_KEYS: clientKey, OPENAI_API_KEY: ownKey, METRICS_TOKEN: metricsToken },
    logLines: lines,
  });
});

afterAll(() => stack?.close());

const authorized = { authorization: `Bearer ${clientKey}` };
const withMarker = (extra: Record<string, unknown> = {}) => chatBody(`tell me about ${marker}`, extra);

/** Every kind of request: answered, streamed, refused, failed upstream, with the marker everywhere. */
async function sendAll(): Promise<void> {
  const send = async (path: string, body: unknown, headers: Record<string, string> = authorized) => {
    bodies.push(await postJson(stack.proxyUrl, path, body, headers));
  };
  await send("/v1/chat/completions", withMarker());
  await send("/v1/chat/completions", withMarker({ stream: true }));
  await send("/v1/responses", { model: "gpt-4o-mini", input: marker, stream: true });
  await send("/v1/embeddings", { model: "text-embedding-3-small", input: marker });
  await send("/ask", { messages: [{ role: "user", content: marker }] });
  await send("/v1/chat/completions", `{"model":"${marker}`);
  await send("/v1/chat/completions", withMarker(), { authorization: `Bearer ${clientKey.slice(0, -2)}` });
  await send("/v1/chat/completions", withMarker(), { "api-key": `${marker}-as-key` });
  await send("/v1/chat/completions", withMarker(), { ...authorized, "x-simulator-fault": "server_error" });
  await send("/v1/chat/completions", withMarker({ stream: true }), {
    ...authorized,
    "x-simulator-fault": "drop",
  });
}

const accessLines = () =>
  lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === "request");

describe("the access log", () => {
  beforeAll(sendAll);

  it("has one JSON line per request with the measured fields", () => {
    const access = accessLines();
    expect(access).toHaveLength(10);
    const [chat, stream] = access;
    expect(chat).toMatchObject({ model: "gpt-4o-mini", endpoint: "chat_completions", status: 200 });
    expect(chat?.requestId).toMatch(/^req_/);
    expect(typeof chat?.latencyS).toBe("number");
    expect(chat?.promptTokens).toBeGreaterThan(0);
    expect(chat?.completionTokens).toBeGreaterThan(0);
    expect(chat?.costUsd).toBeGreaterThan(0);
    expect(stream).toMatchObject({ stream: true, status: 200 });
    expect(typeof stream?.ttftS).toBe("number");
    expect(access.map((line) => line.errorType)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      "invalid_request",
      "unauthorized",
      "unauthorized",
      "upstream_5xx",
      "stream_interrupted",
    ]);
  });

  it("never holds message content, a key, or any prefix of a key", async () => {
    const metrics = await rawRequest(stack.proxyUrl, {
      path: "/metrics",
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    const proxyErrors = bodies.filter((body) => body.status !== 200 && body.status !== 500);
    const texts = [...lines, metrics.text, ...proxyErrors.map((body) => body.text)];
    expect(proxyErrors.length).toBeGreaterThanOrEqual(3);
    const forbidden = [
      marker,
      marker.slice(0, 12),
      clientKey.slice(0, 12),
      secret.slice(0, 8),
      ownKey.slice(0, 10),
    ];
    for (const text of texts) {
      for (const word of forbidden) expect(text).not.toContain(word);
      expect(text).not.toContain(metricsToken.slice(0, 8));
    }
  });
});

describe("LOG_LEVEL=warn", () => {
  it("suppresses the access lines", async () => {
    const quietLines: string[] = [];
    const quiet = await startStack({ env: { LOG_LEVEL: "warn" }, logLines: quietLines });
    try {
      expect((await postJson(quiet.proxyUrl, "/v1/chat/completions", chatBody("Hi"))).status).toBe(200);
      expect((await postJson(quiet.proxyUrl, "/v1/chat/completions", "{")).status).toBe(400);
      const access = quietLines.filter((line) => (JSON.parse(line) as { msg?: string }).msg === "request");
      expect(access).toEqual([]);
    } finally {
      await quiet.close();
    }
  });
});
