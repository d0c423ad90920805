import type { ServerResponse } from "node:http";
import { brotliCompressSync, createGzip, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics } from "../helpers/metrics.js";
import { chatBody, live, postJson, responseOf, startRaw } from "../helpers/raw-http.js";
import { type ScriptedUpstream, startScriptedUpstream } from "../helpers/scripted-upstream.js";
import { type Stack, startStack } from "../helpers/stack.js";

const chunk = (content: string, usage = ',"usage":null') =>
  `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"${content}"}}]${usage}}\n\n`;
const usageChunk =
  'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}\n\n';
const first = chunk("Hello");
const rest = [chunk(" there"), usageChunk, "data: [DONE]\n\n"];
/** What the client gets directly when it did not ask for the usage chunk. */
const expectedStream = [first, chunk(" there"), "data: [DONE]\n\n"].join("").replaceAll(',"usage":null', "");

const json = JSON.stringify({
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Hi" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
});

let openGate: () => void = () => undefined;
let gateOpenedByTimeout = false;

/** Writes the first event compressed and flushed, then waits for the test (at most 3 s) before the rest. */
async function gzipStream(res: ServerResponse): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "content-encoding": "gzip" });
  const gzip = createGzip();
  gzip.pipe(res);
  gzip.write(first);
  gzip.flush();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      gateOpenedByTimeout = true;
      resolve();
    }, 3000);
    openGate = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  gzip.end(rest.join(""));
}

const compressed: Record<string, (body: string) => Buffer> = {
  gzip: (body) => gzipSync(body),
  deflate: (body) => deflateSync(body),
  br: (body) => brotliCompressSync(body),
};

let upstream: ScriptedUpstream;
let stack: Stack;

beforeAll(async () => {
  upstream = await startScriptedUpstream(async (req, res) => {
    const script = String(req.headers["x-script"]);
    if (script === "gzip-stream") return gzipStream(res);
    if (script === "zstd") {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "zstd" });
      return void res.end("opaque bytes");
    }
    res.writeHead(200, { "content-type": "application/json", "content-encoding": script });
    res.end((compressed[script] as (body: string) => Buffer)(json));
  });
  stack = await startStack({ upstreamUrl: upstream.url });
});

afterAll(async () => {
  await stack?.close();
  await upstream?.close();
});

const scrape = async () => parseMetrics(await stack.metricsText());
const promptTokens = 'llm_tokens_total{model="gpt-4o-mini",type="prompt"}';

describe("an upstream that compresses although the proxy asked for identity", () => {
  it("a gzip stream is decoded as it arrives: not held back, the usage chunk stripped and counted", async () => {
    const before = await scrape();
    const body = JSON.stringify(chatBody("Hi", { stream: true }));
    const req = startRaw(stack.proxyUrl, {
      path: "/v1/chat/completions",
      headers: { "content-type": "application/json", "x-script": "gzip-stream" },
      body,
    });
    const res = await responseOf(req);
    const reading = live(res);
    // The first event reaches the client while the upstream still holds the rest back.
    for (let waited = 0; !reading.text().includes("Hello") && waited < 2500; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(reading.text()).toBe(first.replace(',"usage":null', ""));
    openGate();
    const response = await reading.done;
    expect(gateOpenedByTimeout).toBe(false);
    expect(response.headers["content-encoding"]).toBeUndefined();
    expect(response.text).toBe(expectedStream);
    const changed = deltas(before, await scrape());
    expect(changed.get(promptTokens)).toBe(9);
  });

  it.each(["gzip", "deflate", "br"])(
    "a %s JSON answer reaches the client plain, its usage counted",
    async (name) => {
      const before = await scrape();
      const response = await postJson(stack.proxyUrl, "/v1/chat/completions", chatBody("Hi"), {
        "x-script": name,
      });
      expect(response.status).toBe(200);
      expect(response.headers["content-encoding"]).toBeUndefined();
      expect(response.text).toBe(json);
      expect(Number(response.headers["content-length"] ?? response.body.length)).toBe(response.body.length);
      const changed = deltas(before, await scrape());
      expect(changed.get(promptTokens)).toBe(7);
    },
  );

  it("an encoding the proxy cannot read is passed on as sent, with no usage counted", async () => {
    const before = await scrape();
    const response = await postJson(stack.proxyUrl, "/v1/chat/completions", chatBody("Hi"), {
      "x-script": "zstd",
    });
    expect(response.headers["content-encoding"]).toBe("zstd");
    expect(response.text).toBe("opaque bytes");
    const changed = deltas(before, await scrape());
    expect(changed.get(promptTokens)).toBeUndefined();
    expect(
      changed.get(
        'llm_requests_total{code="200",endpoint="chat_completions",model="gpt-4o-mini",stream="false"}',
      ),
    ).toBe(1);
  });
});
