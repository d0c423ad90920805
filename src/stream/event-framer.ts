import { findEventEnd } from "./event-boundary.js";

export interface EventFramer {
  /** The complete events that this chunk finishes, as slices of the bytes; a partial event waits. */
  push(chunk: Buffer): Buffer[];
  /** What is left at the end of the stream: an event the upstream left unterminated. */
  flush(): Buffer | undefined;
}

const none: Buffer[] = [];
const cr = 0x0d;

/**
 * Splits a byte stream into whole SSE events (each with its blank line), without decoding it: the tap and
 * the usage stripper both need events, and bytes need no text until someone reads them.
 */
export function createEventFramer(): EventFramer {
  let pending: Buffer | undefined;
  return {
    push(chunk) {
      const buf = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      // A blank line is at most 4 bytes, so bytes scanned before need not be scanned again.
      const scanFrom = pending === undefined ? 0 : Math.max(0, pending.length - 3);
      let events = none;
      let start = 0;
      const hasCr = buf.indexOf(cr, scanFrom) >= 0;
      for (let end = findEventEnd(buf, scanFrom, hasCr); end >= 0; end = findEventEnd(buf, start, hasCr)) {
        if (events === none) events = [];
        events.push(buf.subarray(start, end));
        start = end;
      }
      pending = start < buf.length ? buf.subarray(start) : undefined;
      return events;
    },
    flush() {
      const rest = pending;
      pending = undefined;
      return rest;
    },
  };
}
