import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What one chunk of a paced stream looks like: an OpenAI chat chunk with one token of content. */
const chunkData =
  '{"id":"chatcmpl-paced","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" token"},"finish_reason":null}]';
const roleData =
  '{"id":"chatcmpl-paced","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]';
const usageData =
  '{"id":"chatcmpl-paced","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":100,"total_tokens":112}}';

/** An event as OpenAI sends it, with `"usage":null` when the request asked for include_usage. */
function event(data: string, withUsage: boolean): Buffer {
  return Buffer.from(`data: ${data}${withUsage ? ',"usage":null}' : "}"}\n\n`);
}

interface PacedStream {
  readonly res: ServerResponse;
  readonly chunk: Buffer;
  readonly withUsage: boolean;
  lastSent: number;
}

export interface PacedUpstream {
  readonly origin: string;
  readonly openStreams: number;
  /** Starts sending content chunks, `perSecond` across all open streams, each stream in turn. */
  start(perSecond: number): void;
  /** Chunks sent and the gaps (ms) between two chunks of one stream, since the last call. */
  take(): { chunks: number; gapsMs: number[] };
  /** Ends every stream as OpenAI does (the usage chunk when asked for, then [DONE]). */
  endAll(): void;
  close(): Promise<void>;
}

/**
 * An upstream for the paced scenario: every stream stays open, and one ticker sends content chunks
 * round-robin at a fixed total rate, so that what grows with the number of streams is the number of open
 * streams, not the work. The send times give the upstream's own gaps between chunks.
 */
export async function startPacedUpstream(): Promise<PacedUpstream> {
  const streams: PacedStream[] = [];
  let gapsMs: number[] = [];
  let chunks = 0;
  let ticker: NodeJS.Timeout | undefined;
  const server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on("data", (piece: Buffer) => body.push(piece));
    req.on("end", () => {
      const withUsage = Buffer.concat(body).includes('"include_usage":true');
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
      res.write(event(roleData, withUsage));
      streams.push({ res, chunk: event(chunkData, withUsage), withUsage, lastSent: performance.now() });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", 1024, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get openStreams() {
      return streams.length;
    },
    start(perSecond) {
      const started = performance.now();
      let sent = 0;
      let next = 0;
      // A 1 ms ticker sends what is due by now, so a late tick catches up instead of lowering the rate.
      ticker = setInterval(() => {
        const due = Math.floor(((performance.now() - started) / 1000) * perSecond) - sent;
        for (let i = 0; i < due && streams.length > 0; i++, sent++) {
          const stream = streams[next++ % streams.length] as PacedStream;
          const now = performance.now();
          gapsMs.push(now - stream.lastSent);
          stream.lastSent = now;
          stream.res.write(stream.chunk);
          chunks++;
        }
      }, 1);
    },
    take() {
      const taken = { chunks, gapsMs };
      chunks = 0;
      gapsMs = [];
      return taken;
    },
    endAll() {
      clearInterval(ticker);
      for (const { res, withUsage } of streams.splice(0)) {
        res.end(`${withUsage ? `data: ${usageData}\n\n` : ""}data: [DONE]\n\n`);
      }
    },
    close: () =>
      new Promise((resolve) => {
        clearInterval(ticker);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
