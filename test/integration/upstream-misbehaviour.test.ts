import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics } from "../helpers/metrics.js";
import { chatBody, postJson } from "../helpers/raw-http.js";
import { type ScriptedUpstream, startScriptedUpstream } from "../helpers/scripted-upstream.js";
import { type Stack, startStack } from "../helpers/stack.js";

const sse = { "content-type": "text/event-stream" };
const chunk = (fields: string) => `data: {"id":"c","object":"chat.completion.chunk",${fields}}\n\n`;
const chatError = 'data: {"error":{"message":"The server had an error","type":"server_error"}}\n\n';
const responsesError =
  'event: error\ndata: {"type":"error","code":"server_error","message":"The server had an error"}\n\n';

/** What the upstream does, chosen per request by the x-script header. */
const scripts: Record<string, (res: ServerResponse) => void> = {
  // A JSON head, then silence: the body never comes.
  "json-head-only": (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.flushHeaders();
  },
  "chat-error-event": (res) => {
    res.writeHead(200, sse);
    res.write(chunk('"choices":[{"index":0,"delta":{"content":"Hi"}}]'));
    res.end(chatError);
  },
  "responses-error-event": (res) => {
    res.writeHead(200, sse);
    res.write('event: response.created\ndata: {"type":"response.created","response":{}}\n\n');
    res.end(responsesError);
  },
};

let upstream: ScriptedUpstream;
let stack: Stack;

beforeAll(async () => {
  upstream = await startScriptedUpstream((req, res) => scripts[String(req.headers["x-script"])]?.(res));
  stack = await startStack({ upstreamUrl: upstream.url, env: { OPENAI_TIMEOUT: "0.3" } });
});

afterAll(async () => {
  await stack?.close();
  await upstream?.close();
});

const scrape = async () => parseMetrics(await stack.metricsText());
const requests = (code: number, endpoint: string, stream: boolean) =>
  `llm_requests_total{code="${code}",endpoint="${endpoint}",model="gpt-4o-mini",stream="${stream}"}`;

describe("an upstream that sends a JSON head and then nothing", () => {
  const script = { "x-script": "json-head-only" };

  it("answers 504 in OpenAI's error shape, since no byte reached the client, and counts it so", async () => {
    const before = await scrape();
    const response = await postJson(stack.proxyUrl, "/v1/chat/completions", chatBody("Hi"), script);
    expect(response.status).toBe(504);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(response.text).error).toMatchObject({ type: "proxy_error", code: "upstream_timeout" });
    const changed = deltas(before, await scrape());
    expect(changed.get('llm_errors_total{model="gpt-4o-mini",type="timeout"}')).toBe(1);
    expect(changed.get(requests(504, "chat_completions", false))).toBe(1);
    expect(changed.get(requests(200, "chat_completions", false))).toBeUndefined();
  });

  it("answers the same on a pass-through path", async () => {
    const before = await scrape();
    const response = await postJson(stack.proxyUrl, "/v1/images/generations", { prompt: "x" }, script);
    expect(response.status).toBe(504);
    const changed = deltas(before, await scrape());
    expect(changed.get('llm_errors_total{model="unknown",type="timeout"}')).toBe(1);
  });
});

describe("a stream that carries an error event", () => {
  it.each([
    { name: "chat", path: "/v1/chat/completions", endpoint: "chat_completions", error: chatError },
    { name: "responses", path: "/v1/responses", endpoint: "responses", error: responsesError },
  ])('$name: passed on unchanged, counted as a 200 with llm_errors_total{type="stream_error"}', async (c) => {
    const before = await scrape();
    const body =
      c.name === "chat"
        ? chatBody("Hi", { stream: true })
        : { model: "gpt-4o-mini", input: "Hi", stream: true };
    const response = await postJson(stack.proxyUrl, c.path, body, { "x-script": `${c.name}-error-event` });
    expect(response.status).toBe(200);
    expect(response.text.endsWith(c.error)).toBe(true);
    const changed = deltas(before, await scrape());
    expect(changed.get('llm_errors_total{model="gpt-4o-mini",type="stream_error"}')).toBe(1);
    expect(changed.get(requests(200, c.endpoint, true))).toBe(1);
  });
});
