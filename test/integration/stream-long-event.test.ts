import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics } from "../helpers/metrics.js";
import { chatBody, responseOf, startRaw } from "../helpers/raw-http.js";
import { type ScriptedUpstream, startScriptedUpstream } from "../helpers/scripted-upstream.js";
import { type Stack, startStack } from "../helpers/stack.js";

const size = 32 * 1024 * 1024;
const head = '{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"';
const tail = '"}}],"usage":null}';

/** One content chunk of 32 MiB, as OpenAI frames a chunk when include_usage was asked. */
function bigEvent(): Buffer {
  const event = Buffer.alloc(size, 0x61);
  event.write(`data: ${head}`);
  event.write(`${tail}\n\n`, size - tail.length - 2);
  return event;
}

const usageChunk =
  'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}\n\n';

async function writeAll(res: ServerResponse, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length; at += 64 * 1024) {
    if (!res.write(bytes.subarray(at, at + 64 * 1024)))
      await new Promise((resolve) => res.once("drain", resolve));
  }
}

let upstream: ScriptedUpstream;
let stack: Stack;

beforeAll(async () => {
  upstream = await startScriptedUpstream(async (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    await writeAll(res, bigEvent());
    res.end(`${usageChunk}data: [DONE]\n\n`);
  });
  stack = await startStack({ upstreamUrl: upstream.url });
});

afterAll(async () => {
  await stack?.close();
  await upstream?.close();
});

/**
 * Reads the proxy's answer as it arrives, comparing it with `expected` piece by piece rather than joining
 * 32 MiB, so that the client's own work does not stall the event loop this process shares with the proxy.
 */
async function streamedMatches(expected: Buffer): Promise<{ status: number; matches: boolean }> {
  const body = JSON.stringify(chatBody("Hi", { stream: true }));
  const req = startRaw(stack.proxyUrl, {
    path: "/v1/chat/completions",
    headers: { "content-type": "application/json" },
    body,
  });
  const res = await responseOf(req);
  let at = 0;
  let matches = true;
  for await (const chunk of res) {
    const piece = chunk as Buffer;
    matches &&= piece.equals(expected.subarray(at, at + piece.length));
    at += piece.length;
  }
  return { status: res.statusCode ?? 0, matches: matches && at === expected.length };
}

/** Asks /healthz one request after another until `done`, and returns the slowest answer's time. */
async function slowestHealthz(done: () => boolean): Promise<{ wallMs: number; cpuMs: number }> {
  let wallMs = 0;
  let cpuMs = 0;
  while (!done()) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const res = await fetch(`${stack.proxyUrl}/healthz`);
    await res.arrayBuffer();
    const used = process.cpuUsage(cpu);
    wallMs = Math.max(wallMs, performance.now() - started);
    cpuMs = Math.max(cpuMs, (used.user + used.system) / 1000);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { wallMs, cpuMs };
}

describe("one 32 MiB event in a stream", () => {
  it("is relayed with its usage field removed and its usage counted, while /healthz keeps answering", async () => {
    const before = parseMetrics(await stack.metricsText());
    const expected = Buffer.concat([
      bigEvent().subarray(0, size - tail.length - 2),
      Buffer.from('"}}]}\n\ndata: [DONE]\n\n'),
    ]);
    let finished = false;
    const request = streamedMatches(expected).finally(() => {
      finished = true;
    });
    const slowest = await slowestHealthz(() => finished);
    const response = await request;
    expect(response).toEqual({ status: 200, matches: true });
    const changed = deltas(before, parseMetrics(await stack.metricsText()));
    expect(changed.get('llm_tokens_total{model="gpt-4o-mini",type="prompt"}')).toBe(9);
    // Framing is linear in the bytes, and an event this long is not decoded. Quadratic framing stalled
    // /healthz for 20.8 s. The process also runs the upstream and this client, and the machine may be
    // shared, so the limits are generous: the CPU this process spent during the slowest /healthz round
    // trip measured 37-70 ms (its wall time 100-310 ms with a load average of 11 on 2 cores).
    expect(slowest.cpuMs, `CPU during the slowest /healthz: ${slowest.cpuMs} ms`).toBeLessThan(200);
    expect(slowest.wallMs, `slowest /healthz: ${slowest.wallMs} ms`).toBeLessThan(2000);
  }, 60_000);
});
