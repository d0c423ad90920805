import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics } from "../helpers/metrics.js";
import { chatBody, responseOf, startRaw, waitFor } from "../helpers/raw-http.js";
import { type ScriptedUpstream, startScriptedUpstream } from "../helpers/scripted-upstream.js";
import { type Stack, startStack } from "../helpers/stack.js";

// Far more than every socket buffer on the way can hold (loopback TCP buffers grow to ~6 MiB each way;
// /proc/sys/net/ipv4/tcp_rmem), so a proxy that does not pass the client's backpressure on to the
// upstream reads it all while the client reads nothing.
const totalBytes = 192 * 1024 * 1024;
const pieceBytes = 64 * 1024;
// Upstream writes that may be in flight while the client reads nothing: the client's receive buffer, the
// proxy's send buffer, what the proxy holds, its receive buffer and the upstream's send buffer.
const inFlightLimit = 64 * 1024 * 1024;

/** A stream of same-size events (each a whole chat chunk), or plain bytes for a pass-through download. */
function piece(index: number, sse: boolean): Buffer {
  if (!sse) return Buffer.alloc(pieceBytes, index % 251);
  const head = `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"`;
  const event = Buffer.alloc(pieceBytes, 0x61 + (index % 26));
  event.write(head);
  event.write(`"}}]}\n\n`, pieceBytes - 7);
  return event;
}

let written = 0;
let upstream: ScriptedUpstream;
let stack: Stack;

async function writeBody(res: ServerResponse, sse: boolean): Promise<void> {
  for (let index = 0; written < totalBytes; index++) {
    const bytes = piece(index, sse);
    written += bytes.length;
    if (!res.write(bytes)) await new Promise((resolve) => res.once("drain", resolve));
  }
  res.end(sse ? "data: [DONE]\n\n" : undefined);
}

function expectedDigest(sse: boolean): string {
  const hash = createHash("sha256");
  for (let index = 0; index * pieceBytes < totalBytes; index++) hash.update(piece(index, sse));
  if (sse) hash.update("data: [DONE]\n\n");
  return hash.digest("hex");
}

beforeAll(async () => {
  upstream = await startScriptedUpstream(async (req, res) => {
    written = 0;
    const sse = req.url?.includes("chat") ?? false;
    res.writeHead(200, { "content-type": sse ? "text/event-stream" : "application/octet-stream" });
    await writeBody(res, sse);
  });
  stack = await startStack({ upstreamUrl: upstream.url });
});

afterAll(async () => {
  await stack?.close();
  await upstream?.close();
});

/** Waits until the upstream has written nothing more for a while: it is blocked, or done. */
async function settledWritten(): Promise<number> {
  let last = -1;
  await waitFor(
    async () => {
      const now = written;
      const still = now === last;
      last = now;
      if (!still) await new Promise((resolve) => setTimeout(resolve, 300));
      return still;
    },
    { timeoutMs: 20_000, what: "the upstream blocked or done" },
  );
  return written;
}

async function digestOf(res: IncomingMessage): Promise<{ bytes: number; digest: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  res.resume();
  for await (const chunk of res) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { bytes, digest: hash.digest("hex") };
}

const cases = [
  {
    name: "a metered stream",
    sse: true,
    path: "/v1/chat/completions",
    endpoint: "chat_completions",
    model: "gpt-4o-mini",
  },
  {
    name: "a pass-through download",
    sse: false,
    path: "/v1/files/file-1/content",
    endpoint: "other",
    model: "unknown",
  },
] as const;

describe("a client that stops reading", () => {
  it.each(cases)(
    "holds the upstream back on $name, then gets every byte once it reads",
    async (c) => {
      const before = parseMetrics(await stack.metricsText());
      const body = c.sse ? JSON.stringify(chatBody("Hi", { stream: true })) : undefined;
      const headers: Record<string, string> = c.sse ? { "content-type": "application/json" } : {};
      const res = await responseOf(startRaw(stack.proxyUrl, { path: c.path, headers, body }));
      res.pause();
      const whilePaused = await settledWritten();
      expect(whilePaused, `upstream bytes written while the client read nothing`).toBeLessThan(inFlightLimit);
      const read = await digestOf(res);
      expect(written).toBe(totalBytes);
      expect(read.digest).toBe(expectedDigest(c.sse));
      const changed = deltas(before, parseMetrics(await stack.metricsText()));
      const counted = [...changed].filter(([key]) => key.startsWith("llm_requests_total{"));
      expect(counted).toEqual([
        [`llm_requests_total{code="200",endpoint="${c.endpoint}",model="${c.model}",stream="${c.sse}"}`, 1],
      ]);
    },
    60_000,
  );
});
