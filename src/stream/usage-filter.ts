import type { ByteSink } from "./event-observer.js";
import { findUsageObject } from "./usage-object.js";

const usageNullAfter = Buffer.from(',"usage":null');
const usageNullBefore = Buffer.from('"usage":null,');
const emptyChoices = Buffer.from('"choices":[]');

/** Above this, the two halves of an event are written apart rather than copied into one buffer. */
const copyLimit = 64 * 1024;

function writeWithout(raw: Buffer, at: number, length: number, sink: ByteSink): void {
  if (raw.length > copyLimit) {
    sink.write(raw.subarray(0, at));
    sink.write(raw.subarray(at + length));
    return;
  }
  sink.write(Buffer.concat([raw.subarray(0, at), raw.subarray(at + length)], raw.length - length));
}

/**
 * Writes an event as the client would have had it without the proxy's own
 * `stream_options.include_usage`: without the `"usage":null` member OpenAI then adds to every chunk, and
 * not at all when it is the final usage-only chunk, whose `choices` is empty (fixtures 10-13 and 51).
 * Returns whether the event holds a usage object, so the observer need not search it again.
 */
export function filterEvent(raw: Buffer, sink: ByteSink): boolean {
  // Most events are content chunks: one native search finds their member and settles them.
  const after = raw.indexOf(usageNullAfter);
  if (after >= 0) {
    writeWithout(raw, after, usageNullAfter.length, sink);
    return false;
  }
  const before = raw.indexOf(usageNullBefore);
  if (before >= 0) {
    writeWithout(raw, before, usageNullBefore.length, sink);
    return false;
  }
  const usage = findUsageObject(raw) >= 0;
  if (!usage || !raw.includes(emptyChoices)) sink.write(raw);
  return usage;
}
