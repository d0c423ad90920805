import { createParser, type EventSourceMessage } from "eventsource-parser";

export type SseEvent = EventSourceMessage;

export interface SseTap {
  /** Reads a copy of bytes on their way to the client; never changes or holds them. */
  write(chunk: Uint8Array): void;
  /** Flushes a final event that had no blank line after it. */
  end(): void;
}

/**
 * The side parser of a stream. Bytes are decoded with a streaming TextDecoder so that a multi-byte
 * character split across two chunks is decoded once whole; eventsource-parser handles CR, LF and CRLF
 * framing and `data:` with or without its space (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 */
export function createSseTap(onEvent: (event: SseEvent) => void): SseTap {
  const decoder = new TextDecoder("utf-8");
  const parser = createParser({ onEvent });
  let ended = false;
  return {
    write(chunk) {
      if (!ended) parser.feed(decoder.decode(chunk, { stream: true }));
    },
    end() {
      if (ended) return;
      ended = true;
      const rest = decoder.decode();
      // A blank line dispatches an event the upstream left unterminated; when the stream was
      // terminated properly, the extra blank line dispatches nothing.
      parser.feed(`${rest}\n\n`);
    },
  };
}
