import { randomUUID } from "node:crypto";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import type { SimulatorContext } from "./context.js";
import { type Faults, noFaults } from "./faults.js";
import { createGzipFrames, type GzipFrames } from "./gzip-frames.js";

/** Which simulated endpoint a request reached; error bodies take that endpoint's layout. */
export type SimulatedEndpoint = "chat" | "completions" | "responses" | "embeddings" | "models" | "other";

function ignoreError(): void {}

/**
 * One request and its response. Owns every timer the request starts, so that a client going away
 * cancels them all and nothing is written after the socket closed.
 */
export class Exchange {
  readonly requestId = `req_${randomUUID().replaceAll("-", "")}`;
  readonly startedAt = performance.now();
  endpoint: SimulatedEndpoint = "other";
  faults: Faults = noFaults;
  closed = false;
  private dropped = false;
  /** Set when a stream goes out gzip-encoded (the `gzip` fault). */
  private gzip: GzipFrames | undefined;
  private readonly sleepers = new Map<NodeJS.Timeout, (awake: boolean) => void>();
  private readonly closeWaiters: Array<() => void> = [];

  constructor(
    readonly context: SimulatorContext,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    res.on("close", () => this.onClose());
    res.on("error", ignoreError);
    req.on("error", ignoreError);
  }

  /** Resolves true after `ms`, or false as soon as the client is gone. */
  sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleepers.delete(timer);
        resolve(true);
      }, ms);
      this.sleepers.set(timer, resolve);
    });
  }

  untilClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  firstTokenDelay(): number {
    const { ttftMs, random } = this.context;
    return ttftMs > 0 ? ttftMs * (0.8 + 0.4 * random()) : 0;
  }

  tokenInterval(): number {
    const { tokensPerSecond } = this.context;
    return tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0;
  }

  respond(status: number, headers: OutgoingHttpHeaders, body: string): void {
    if (this.closed || this.res.headersSent) return;
    const sent = this.faults.gzip ? gzipSync(body) : body;
    const length = { ...this.encodingHeader(), "content-length": Buffer.byteLength(sent) };
    this.res.writeHead(status, { ...this.commonHeaders(), ...headers, ...length });
    this.res.end(sent);
  }

  startStream(headers: OutgoingHttpHeaders): void {
    if (this.closed || this.res.headersSent) return;
    if (this.faults.gzip) this.gzip = createGzipFrames();
    this.res.writeHead(200, { ...this.commonHeaders(), ...headers, ...this.encodingHeader() });
    this.res.flushHeaders();
  }

  /** Resolves false when the client is gone; waits for 'drain' when the socket buffer is full. */
  async send(text: string): Promise<boolean> {
    if (this.closed) return false;
    if (this.res.write(this.encoded(text))) return true;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.res.off("drain", done);
        this.res.off("close", done);
        resolve();
      };
      this.res.on("drain", done);
      this.res.on("close", done);
    });
    return !this.closed;
  }

  end(): void {
    if (this.closed) return;
    if (this.gzip === undefined) this.res.end();
    else this.res.end(this.gzip.end());
  }

  /** Cuts the connection once `text` reached the socket, like an upstream crashing mid-stream. */
  sendThenDrop(text: string): void {
    if (this.closed) return;
    this.dropped = true;
    this.res.write(this.encoded(text), () => this.req.socket.destroy());
  }

  dropNow(): void {
    this.dropped = true;
    this.req.socket.destroy();
  }

  private encoded(text: string): string | Buffer {
    return this.gzip === undefined ? text : this.gzip.frame(text);
  }

  /** The upstream ignores the proxy's `accept-encoding: identity`, as a gateway in front of it may. */
  private encodingHeader(): OutgoingHttpHeaders {
    return this.faults.gzip ? { "content-encoding": "gzip" } : {};
  }

  private commonHeaders(): OutgoingHttpHeaders {
    return {
      "openai-version": "2020-10-01",
      "openai-processing-ms": String(Math.round(performance.now() - this.startedAt)),
      "x-request-id": this.requestId,
    };
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.res.writableFinished && !this.dropped && !this.context.closing) {
      this.context.stats.clientAborts += 1;
      this.context.stats.lastAbortAt = Date.now();
    }
    for (const [timer, resolve] of this.sleepers) {
      clearTimeout(timer);
      resolve(false);
    }
    this.sleepers.clear();
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }
}
