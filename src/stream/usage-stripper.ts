import { createEventFramer } from "./event-framer.js";

const usageNullAfter = Buffer.from(',"usage":null');
const usageNullBefore = Buffer.from('"usage":null,');
const emptyChoices = Buffer.from('"choices":[]');
const usageObject = /"usage"\s*:\s*\{/;

export interface UsageStripper {
  /** Returns the bytes to send now: whole events only, rewritten; a partial event waits for its end. */
  push(chunk: Buffer): Buffer | undefined;
  /** Returns what is left at the end of the stream (an event the upstream left unterminated). */
  flush(): Buffer | undefined;
}

function withoutSpan(buf: Buffer, at: number, length: number): Buffer {
  return Buffer.concat([buf.subarray(0, at), buf.subarray(at + length)]);
}

/**
 * Undoes, event by event, what the proxy's own `stream_options.include_usage` caused, so the client
 * gets the bytes it would have had directly: the `"usage":null` field OpenAI adds to every chunk, and
 * the final usage-only chunk whose `choices` is empty (see fixtures 10-13 and 51).
 */
export function rewriteEvent(event: Buffer): Buffer | undefined {
  // Most events are content chunks: one native search finds their field and settles them.
  const after = event.indexOf(usageNullAfter);
  if (after >= 0) return withoutSpan(event, after, usageNullAfter.length);
  const before = event.indexOf(usageNullBefore);
  if (before >= 0) return withoutSpan(event, before, usageNullBefore.length);
  if (event.includes(emptyChoices) && usageObject.test(event.toString("latin1"))) return undefined;
  return event;
}

/**
 * Rewrites a stream event by event; `onEvent` sees each original event first (the tap reads the usage
 * chunk that the client will not get), so the bytes are framed once for both.
 */
export function createUsageStripper(onEvent?: (raw: Buffer) => void): UsageStripper {
  const framer = createEventFramer();
  const rewrite = (raw: Buffer) => {
    onEvent?.(raw);
    return rewriteEvent(raw);
  };
  return {
    push(chunk) {
      const out: Buffer[] = [];
      for (const raw of framer.push(chunk)) {
        const rewritten = rewrite(raw);
        if (rewritten !== undefined) out.push(rewritten);
      }
      if (out.length === 0) return undefined;
      return out.length === 1 ? out[0] : Buffer.concat(out);
    },
    flush() {
      const rest = framer.flush();
      return rest === undefined ? undefined : rewrite(rest);
    },
  };
}
