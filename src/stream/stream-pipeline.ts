import { isErrorEvent } from "./error-event.js";
import { EventFramer, type RawEventTarget } from "./event-framer.js";
import type { ByteSink, EventObserver } from "./event-observer.js";
import { EventReader } from "./event-reader.js";
import { OutputBatch } from "./output-batch.js";
import { isUsageOnlyChunk, usageNullSpan } from "./usage-filter.js";
import { findUsageObject } from "./usage-object.js";

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
  private readonly batch = new OutputBatch();
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

  /** Takes the chunk over: with the usage filter on, its bytes may be rewritten in place. */
  push(chunk: Buffer): void {
    if (!this.filterUsage) {
      this.sink.write(chunk);
      this.framer.push(chunk);
      return;
    }
    this.batch.begin(chunk);
    this.framer.push(chunk);
    this.batch.flushTo(this.sink);
  }

  /** The upstream body ended: an event it left unterminated is passed on and observed as it is. */
  end(): void {
    const rest = this.framer.flush();
    if (rest !== undefined) this.event(rest, true);
    this.batch.flushTo(this.sink);
  }

  onRawEvent(raw: Buffer): void {
    this.event(raw, false);
  }

  /** An event too long to hold: passed on unfiltered as it comes, its length told to the observer. */
  onLongEventBytes(bytes: Buffer, last: boolean, length: number): void {
    if (this.filterUsage) this.batch.write(bytes);
    if (last) this.observer.onLongEvent(length);
  }

  private event(raw: Buffer, last: boolean): void {
    if (!this.errorEvent && isErrorEvent(raw)) this.errorEvent = true;
    if (!this.filterUsage) {
      this.observe(raw, undefined, last);
      return;
    }
    // The observer reads the event as the upstream sent it; then the filter rewrites it in place.
    const span = usageNullSpan(raw);
    const usage = span < 0 && findUsageObject(raw) >= 0;
    this.observe(raw, usage, last);
    if (span >= 0 || !isUsageOnlyChunk(raw, usage)) this.batch.keep(raw, span);
  }

  private observe(raw: Buffer, usage: boolean | undefined, last: boolean): void {
    if (raw.length > maxDecodedEventBytes) this.observer.onLongEvent(raw.length);
    else if (!this.observer.wants(raw, usage)) return;
    else if (last) this.reader.readLast(raw);
    else this.reader.read(raw);
  }
}
