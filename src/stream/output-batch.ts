import type { ByteSink } from "./event-observer.js";

/** Above this, pieces are written one by one rather than copied into one buffer. */
const copyLimit = 64 * 1024;

/**
 * Gathers what the usage filter lets through from one upstream chunk, so that the client gets one write
 * per chunk as it would from a plain relay: a chunk holding several events, each rewritten in two
 * halves, was a write per piece and a syscall per write (writev was the proxy's top function).
 * Small pieces are joined; large ones are written as they are, never copied.
 */
export class OutputBatch implements ByteSink {
  private pieces: Buffer[] = [];
  private length = 0;

  write(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pieces.push(bytes);
    this.length += bytes.length;
  }

  flushTo(sink: ByteSink): void {
    const { pieces } = this;
    if (pieces.length === 0) return;
    if (pieces.length === 1) sink.write(pieces[0] as Buffer);
    else if (this.length <= copyLimit) sink.write(Buffer.concat(pieces, this.length));
    else for (const piece of pieces) sink.write(piece);
    this.pieces = [];
    this.length = 0;
  }
}
