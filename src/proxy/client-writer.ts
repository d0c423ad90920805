import type { ServerResponse } from "node:http";
import type { ByteSink } from "../stream/event-observer.js";

/** What the writer pauses while the client's socket is full: the upstream body. */
export interface Pausable {
  pause(): unknown;
  resume(): unknown;
}

/**
 * Writes one upstream response to the client, pausing the upstream while the client's socket is full
 * (the backpressure @hono/node-server's writeFromReadableStream gives web streams). A stream's head goes
 * out at once; any other head waits for the first body byte, so that an upstream that sends a head and
 * then nothing can still be answered with an error (writeHead alone marks the head as sent).
 */
export class ClientWriter implements ByteSink {
  private headPending = true;
  private waiting = false;
  private source: Pausable | undefined;
  private readonly onDrain = () => {
    this.waiting = false;
    this.source?.resume();
  };

  constructor(
    private readonly res: ServerResponse,
    private readonly status: number,
    private readonly headers: string[],
    stream: boolean,
  ) {
    if (!stream) return;
    this.writeHead();
    res.flushHeaders();
  }

  /** Whether anything reached the client, the head included. */
  get started(): boolean {
    return !this.headPending;
  }

  pauses(source: Pausable): void {
    this.source = source;
  }

  write(bytes: Buffer): void {
    if (this.headPending) this.writeHead();
    if (this.res.write(bytes) || this.waiting) return;
    this.waiting = true;
    this.source?.pause();
    this.res.once("drain", this.onDrain);
  }

  end(done: () => void): void {
    if (this.headPending) this.writeHead();
    this.res.end(done);
  }

  private writeHead(): void {
    this.headPending = false;
    this.res.writeHead(this.status, this.headers);
  }
}
