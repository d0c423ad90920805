import { createParser, type EventSourceMessage } from "eventsource-parser";
import { createEventFramer } from "./event-framer.js";

export type SseEvent = EventSourceMessage;

export interface SseTap {
  /** Reads a copy of bytes on their way to the client; never changes or holds them. */
  write(chunk: Uint8Array): void;
  /** Reads one whole event that the caller framed already (the usage stripper does). */
  event(raw: Buffer): void;
  /** Flushes a final event that had no blank line after it. */
  end(): void;
}

/**
 * The side parser of a stream. Bytes are framed into whole events first, so an event is decoded once,
 * whole (a multi-byte character split across chunks included), and only when `wants` says its bytes may
 * matter: after the first content chunk, an observer needs just the event carrying the usage, and
 * decoding and parsing the other events cost a tenth of the proxy's CPU on streams
 * (bench/results/profile.md). eventsource-parser reads each event's fields: CR, LF and CRLF framing, and
 * `data:` with or without its space (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 */
export function createSseTap(
  onEvent: (event: SseEvent) => void,
  wants: (raw: Buffer) => boolean = () => true,
): SseTap {
  const framer = createEventFramer();
  const parser = createParser({ onEvent });
  let ended = false;
  const read = (raw: Buffer) => {
    if (!ended && wants(raw)) parser.feed(raw.toString("utf8"));
  };
  return {
    write(chunk) {
      const bytes = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (const raw of framer.push(bytes)) read(raw);
    },
    event: read,
    end() {
      const rest = framer.flush();
      if (rest !== undefined) read(rest);
      if (ended) return;
      ended = true;
      // A blank line dispatches an event the upstream left unterminated; when the stream was
      // terminated properly, the extra blank line dispatches nothing.
      parser.feed("\n\n");
    },
  };
}
