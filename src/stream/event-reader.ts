import { createParser, type EventSourceParser } from "eventsource-parser";
import type { EventObserver } from "./event-observer.js";

/**
 * Decodes whole events for an observer. Each event is decoded once and whole, so a multi-byte character
 * split across chunks is never cut; eventsource-parser reads the fields: CR, LF and CRLF line ends, and
 * `data:` with or without its space (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 */
export class EventReader {
  private readonly parser: EventSourceParser;

  constructor(observer: EventObserver) {
    this.parser = createParser({ onEvent: (sse) => observer.onEvent(sse) });
  }

  read(raw: Buffer): void {
    this.parser.feed(raw.toString("utf8"));
  }

  /** The last event of a stream that ended without its blank line: a blank line dispatches it. */
  readLast(raw: Buffer): void {
    this.parser.feed(raw.toString("utf8"));
    this.parser.feed("\n\n");
  }
}
