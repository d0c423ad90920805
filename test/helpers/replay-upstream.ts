import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { loadTranscript, requestPath, responseBytes, type Transcript } from "./fixtures.js";
import { type Stack, type StackOptions, startStack } from "./stack.js";

/** The request header naming the transcript to replay, e.g. `x-replay: 12_chat_stream_...`. */
export const replayHeader = "x-replay";

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface ReplayUpstream {
  /** Base URL with /v1, for OPENAI_BASE_URL. */
  readonly url: string;
  /** What the proxy sent last, so tests can see how it changed the client's request. */
  readonly lastRequest: ReceivedRequest | undefined;
  close(): Promise<void>;
}

// Framing belongs to the replay's own connection; the recorded lengths may not even match the stored
// bodies (30 was reconstructed, 01/25/28/32 re-indented), so Node frames the body itself.
const notReplayed = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-connection",
  "content-length",
]);

function replayedHeaders(transcript: Transcript): string[] {
  return transcript.response.headers.filter(([name]) => !notReplayed.has(name.toLowerCase())).flat();
}

/**
 * Cut points that exercise a stream parser: after whole events, inside an event (inside a multi-byte
 * character when it has one), and between the two newlines of the blank line that ends an event.
 */
function chunkBoundaries(bytes: Buffer, isSse: boolean): number[] {
  if (!isSse) return [Math.floor(bytes.length / 2)];
  const cuts: number[] = [];
  let start = 0;
  for (let event = 0; start < bytes.length; event++) {
    const end = bytes.indexOf("\n\n", start);
    const next = end < 0 ? bytes.length : end + 2;
    const nonAscii = bytes.subarray(start, next).findIndex((byte) => byte >= 0x80);
    if (event % 3 === 0) cuts.push(next);
    else if (event % 3 === 1) cuts.push(nonAscii >= 0 ? start + nonAscii + 1 : start + ((next - start) >> 1));
    else cuts.push(next - 1);
    start = next;
  }
  return cuts.filter((cut, i) => cut > 0 && cut < bytes.length && cut !== cuts[i - 1]);
}

async function writeInChunks(res: ServerResponse, bytes: Buffer, isSse: boolean): Promise<void> {
  let from = 0;
  for (const cut of chunkBoundaries(bytes, isSse)) {
    res.write(bytes.subarray(from, cut));
    from = cut;
    // A pause lets each piece leave as its own TCP segment, so the proxy sees the cuts.
    await delay(1);
  }
  res.end(bytes.subarray(from));
}

async function readAll(req: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A node:http upstream that answers each request with the transcript its `x-replay` header names. */
async function startReplayUpstream(): Promise<ReplayUpstream> {
  let lastRequest: ReceivedRequest | undefined;
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    lastRequest = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
    const name = req.headers[replayHeader];
    let transcript: Transcript;
    try {
      transcript = loadTranscript(String(name));
    } catch {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"no such transcript"}');
      return;
    }
    res.writeHead(transcript.response.status, replayedHeaders(transcript));
    await writeInChunks(res, responseBytes(transcript), transcript.response.is_sse);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get lastRequest() {
      return lastRequest;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface ReplayStack {
  readonly stack: Stack;
  readonly upstream: ReplayUpstream;
  close(): Promise<void>;
}

/** The proxy in front of a replay upstream. */
export async function startReplayStack(
  options: Omit<StackOptions, "upstreamUrl"> = {},
): Promise<ReplayStack> {
  const upstream = await startReplayUpstream();
  const stack = await startStack({ ...options, upstreamUrl: upstream.url });
  return {
    stack,
    upstream,
    close: async () => {
      await stack.close();
      await upstream.close();
    },
  };
}

export interface ProxiedAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Buffer;
}

/** Sends a transcript's own request body (or `body`) through the proxy with raw fetch. */
export async function sendThroughProxy(stack: Stack, name: string, body?: string): Promise<ProxiedAnswer> {
  const transcript = loadTranscript(name);
  const response = await fetch(`${stack.proxyUrl}${requestPath(transcript)}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test", [replayHeader]: name },
    body: body ?? transcript.request.body ?? "",
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes };
}
