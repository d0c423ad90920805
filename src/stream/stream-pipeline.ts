import { isErrorEvent } from "./error-event.js";
import { EventFramer, type RawEventTarget } from "./event-framer.js";
import type { ByteSink, EventObserver } from "./event-observer.js";
import { EventReader } from "./event-reader.js";
import { filterEvent } from "./usage-filter.js";

/**
 * Events up to this size are decoded for the observer: decoding and parsing 4 MiB of JSON takes tens of
 * milliseconds, and a longer event would stall every other request on the event loop meanwhile.
 */
const maxDecodedEventBytes = 4 * 1024 * 1024;
/** With the usage filter on, an event is held whole up to this size so it can still be rewritten. */
const maxHeldEventBytes = 64 * 1024 * 1024;

export interface PipelineOptions {
  /** Where the bytes for the client go. */
  readonly sink: ByteSink;
  readonly observer: EventObserver;
  /** Remove what the proxy's own `include_usage` caused (see usage-filter.ts). */
  readonly filterUsage: boolean;
}

/**
 * The one path of a stream through the proxy: bytes are framed into events once; the observer sees each
 * original event; the usage filter, when on, rewrites events before they go to the sink. Without the
 * filter, each chunk goes to the sink as it arrives, before it is framed, so nothing is held back.
 */
export class StreamPipeline implements RawEventTarget {
  private readonly framer: EventFramer;
  private readonly reader: EventReader;
  private readonly sink: ByteSink;
  private readonly observer: EventObserver;
  private readonly filterUsage: boolean;
  private errorEvent = false;

  constructor({ sink, observer, filterUsage }: PipelineOptions) {
    this.sink = sink;
    this.observer = observer;
    this.filterUsage = filterUsage;
    this.reader = new EventReader(observer);
    // Without the filter, the bytes went to the client already: an event is held only for decoding.
    this.framer = new EventFramer(this, filterUsage ? maxHeldEventBytes : maxDecodedEventBytes);
  }

  /** Whether the stream carried an error event (see error-event.ts). */
  get sawErrorEvent(): boolean {
    return this.errorEvent;
  }

  push(chunk: Buffer): void {
    if (!this.filterUsage) this.sink.write(chunk);
    this.framer.push(chunk);
  }

  /** The upstream body ended: an event it left unterminated is passed on and observed as it is. */
  end(): void {
    const rest = this.framer.flush();
    if (rest !== undefined) this.event(rest, true);
  }

  onRawEvent(raw: Buffer): void {
    this.event(raw, false);
  }

  /** An event too long to hold: passed on unfiltered as it comes, its length told to the observer. */
  onLongEventBytes(bytes: Buffer, last: boolean, length: number): void {
    if (this.filterUsage && bytes.length > 0) this.sink.write(bytes);
    if (last) this.observer.onLongEvent(length);
  }

  private event(raw: Buffer, last: boolean): void {
    if (!this.errorEvent && isErrorEvent(raw)) this.errorEvent = true;
    const usage = this.filterUsage ? filterEvent(raw, this.sink) : undefined;
    if (raw.length > maxDecodedEventBytes) {
      this.observer.onLongEvent(raw.length);
      return;
    }
    if (!this.observer.wants(raw, usage)) return;
    if (last) this.reader.readLast(raw);
    else this.reader.read(raw);
  }
}
