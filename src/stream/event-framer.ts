import { findEventEnd } from "./event-boundary.js";

/** Receives each whole event (its blank line included) as a slice of the bytes, never decoded. */
export interface RawEventTarget {
  onRawEvent(raw: Buffer): void;
  /**
   * The bytes of an event longer than the framer holds, passed on as they come instead of being joined;
   * `length` is the event's length so far, and `last` marks its final bytes.
   */
  onLongEventBytes(bytes: Buffer, last: boolean, length: number): void;
}

const cr = 0x0d;
// A blank line is at most 4 bytes (CRLF CRLF), so at most 3 bytes of it can sit in earlier chunks.
const carried = 3;
const empty = Buffer.alloc(0);

/**
 * Splits a byte stream into whole SSE events, once, for both the usage filter and the observer.
 *
 * A partial event is kept as the list of chunks it arrived in and joined once, when its end arrives;
 * each chunk is searched once. Joining the pending bytes with every chunk instead made one long event
 * cost quadratic time: 5.5 s of CPU for one 16 MiB event (test/stream/event-framer.test.ts). An event
 * that grows past `maxHeldBytes` is not held at all: its bytes go on as they come, so an upstream that
 * never ends an event cannot make the proxy hold its whole body.
 */
export class EventFramer {
  private parts: Buffer[] = [];
  private pendingLength = 0;
  /** While a long event passes: the last bytes seen, where its blank line may have begun. */
  private longTail: Buffer | undefined;

  constructor(
    private readonly target: RawEventTarget,
    private readonly maxHeldBytes = Number.POSITIVE_INFINITY,
  ) {}

  push(chunk: Buffer): void {
    if (this.longTail !== undefined) {
      this.passLong(chunk);
      return;
    }
    if (this.pendingLength === 0) {
      this.frame(chunk);
      return;
    }
    const end = endAcross(lastBytes(this.parts), chunk);
    if (end < 0) {
      this.hold(chunk);
      return;
    }
    this.parts.push(chunk.subarray(0, end));
    const first = Buffer.concat(this.parts, this.pendingLength + end);
    this.parts = [];
    this.pendingLength = 0;
    this.target.onRawEvent(first);
    if (end < chunk.length) this.frame(chunk.subarray(end));
  }

  /** What is left at the end of the stream: an event the upstream left unterminated. */
  flush(): Buffer | undefined {
    if (this.longTail !== undefined) {
      this.longTail = undefined;
      this.target.onLongEventBytes(empty, true, this.pendingLength);
      this.pendingLength = 0;
      return undefined;
    }
    if (this.pendingLength === 0) return undefined;
    const rest = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.pendingLength);
    this.parts = [];
    this.pendingLength = 0;
    return rest;
  }

  /** Frames bytes that start at an event's start; what follows the last whole event waits. */
  private frame(buf: Buffer): void {
    const hasCr = buf.indexOf(cr) >= 0;
    let start = 0;
    // Most chunks hold exactly one whole event: its end is the chunk's end, and no second search runs.
    for (let end = findEventEnd(buf, 0, hasCr); end >= 0; end = findEventEnd(buf, start, hasCr)) {
      this.target.onRawEvent(end - start === buf.length ? buf : buf.subarray(start, end));
      start = end;
      if (start === buf.length) return;
    }
    this.hold(start === 0 ? buf : buf.subarray(start));
  }

  private hold(bytes: Buffer): void {
    this.parts.push(bytes);
    this.pendingLength += bytes.length;
    if (this.pendingLength <= this.maxHeldBytes) return;
    this.longTail = lastBytes(this.parts);
    const length = this.pendingLength;
    for (const part of this.parts) this.target.onLongEventBytes(part, false, length);
    this.parts = [];
  }

  private passLong(chunk: Buffer): void {
    const end = endAcross(this.longTail as Buffer, chunk);
    if (end < 0) {
      this.pendingLength += chunk.length;
      this.longTail = lastBytes([this.longTail as Buffer, chunk]);
      this.target.onLongEventBytes(chunk, false, this.pendingLength);
      return;
    }
    this.longTail = undefined;
    const length = this.pendingLength + end;
    this.pendingLength = 0;
    this.target.onLongEventBytes(chunk.subarray(0, end), true, length);
    if (end < chunk.length) this.frame(chunk.subarray(end));
  }
}

/**
 * Where the event pending before `chunk` ends in `chunk` (the index past its blank line), or -1. A blank
 * line that began in the pending bytes ends within the chunk's first 3 bytes, so only those are joined
 * with the pending tail; the rest of the chunk is searched where it lies.
 */
function endAcross(tail: Buffer, chunk: Buffer): number {
  const head = chunk.subarray(0, carried);
  const join = Buffer.concat([tail, head], tail.length + head.length);
  const joined = findEventEnd(join, 0);
  if (joined >= 0) return joined - tail.length;
  return findEventEnd(chunk, 0);
}

/** The last few pending bytes, where a blank line that the next chunk finishes may have begun. */
function lastBytes(parts: readonly Buffer[]): Buffer {
  const last = parts[parts.length - 1] as Buffer;
  if (last.length >= carried || parts.length === 1) return last.subarray(Math.max(0, last.length - carried));
  const tail: number[] = [];
  for (let i = parts.length - 1; i >= 0 && tail.length < carried; i--) {
    const part = parts[i] as Buffer;
    for (let j = part.length - 1; j >= 0 && tail.length < carried; j--) tail.unshift(part[j] as number);
  }
  return Buffer.from(tail);
}
