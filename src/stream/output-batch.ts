import type { ByteSink } from "./event-observer.js";
import { moveLeft, spanLength, withoutSpan } from "./usage-filter.js";

/** Above this, pieces are written one by one rather than copied into one buffer. */
const copyLimit = 64 * 1024;

/**
 * Gathers what the usage filter lets through from one upstream chunk, so that the client gets one write
 * per chunk as it would from a plain relay: a chunk holding several events, each rewritten in two
 * halves, was a write per piece and a syscall per write (writev was the proxy's top function).
 *
 * The events that lie in the chunk itself are compacted where they lie: each kept event, less its
 * `"usage":null` span, moves left to follow the previous one, and the chunk's kept bytes go out as one
 * slice. Slicing each rewritten event and joining the slices into a new buffer cost a quarter of the
 * filter's time (`node --cpu-prof` on a 20-chunk stream). The observer has read an event before it is
 * kept, and a move only ever writes over bytes already read, never over a later event or over the
 * unfinished event the framer holds. Other pieces (an event joined from several chunks, the bytes of a
 * long event) are kept as they are; small ones are joined, large ones written one by one, never copied.
 */
export class OutputBatch {
  private pieces: Buffer[] = [];
  private length = 0;
  private chunk: Buffer | undefined;
  /** The compacted bytes of the chunk are chunk[regionStart, regionEnd); -1 while there are none. */
  private regionStart = -1;
  private regionEnd = 0;

  /** The upstream chunk whose events are kept next (until `flushTo`). */
  begin(chunk: Buffer): void {
    this.chunk = chunk;
  }

  /** Keeps an event, less the `"usage":null` span at `span` when that is not -1. */
  keep(raw: Buffer, span: number): void {
    const offset = this.offsetInChunk(raw);
    if (offset < 0) {
      this.write(span < 0 ? raw : withoutSpan(raw, span));
      return;
    }
    if (this.regionStart < 0) {
      this.regionStart = offset;
      this.regionEnd = offset;
    }
    const chunk = this.chunk as Buffer;
    if (span < 0) this.move(chunk, offset, offset + raw.length);
    else {
      this.move(chunk, offset, offset + span);
      this.move(chunk, offset + span + spanLength, offset + raw.length);
    }
  }

  /** Keeps bytes as they are, after everything kept before them. */
  write(bytes: Buffer): void {
    this.closeRegion();
    this.push(bytes);
  }

  flushTo(sink: ByteSink): void {
    this.closeRegion();
    this.chunk = undefined;
    const { pieces } = this;
    if (pieces.length === 0) return;
    if (pieces.length === 1) sink.write(pieces[0] as Buffer);
    else if (this.length <= copyLimit) sink.write(Buffer.concat(pieces, this.length));
    else for (const piece of pieces) sink.write(piece);
    this.pieces = [];
    this.length = 0;
  }

  /** Where `raw` starts in the current chunk, or -1 when it is another buffer (or memory beside it). */
  private offsetInChunk(raw: Buffer): number {
    const { chunk } = this;
    // Most chunks hold one whole event, passed on as the chunk itself.
    if (raw === chunk) return 0;
    if (chunk === undefined || raw.buffer !== chunk.buffer) return -1;
    const offset = raw.byteOffset - chunk.byteOffset;
    return offset >= 0 && offset + raw.length <= chunk.length ? offset : -1;
  }

  /** Moves chunk[start, end) to the end of the region. */
  private move(chunk: Buffer, start: number, end: number): void {
    moveLeft(chunk, this.regionEnd, start, end);
    this.regionEnd += end - start;
  }

  private closeRegion(): void {
    if (this.regionStart < 0) return;
    const chunk = this.chunk as Buffer;
    this.push(chunk.subarray(this.regionStart, this.regionEnd));
    this.regionStart = -1;
  }

  private push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pieces.push(bytes);
    this.length += bytes.length;
  }
}
