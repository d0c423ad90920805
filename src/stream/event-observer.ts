import type { EventSourceMessage } from "eventsource-parser";

/** One SSE event as the spec reads it: its name (undefined for "message"), its data lines joined. */
export type SseEvent = EventSourceMessage;

/**
 * The reader of a stream's events; usage/ implements one per endpoint. The pipeline shows it every
 * original event in order, those the usage filter removes included, and decodes an event only when the
 * observer wants it: after the first content chunk most observers need only the event carrying the
 * usage, and decoding the others cost a tenth of the proxy's CPU on streams (bench/README.md).
 */
export interface EventObserver {
  /**
   * Whether an event may matter. `usage` says whether its bytes hold a usage object when the pipeline
   * searched them already (the usage filter does); undefined means not searched (findUsageObject does).
   */
  wants(raw: Buffer, usage: boolean | undefined): boolean;
  onEvent(event: SseEvent): void;
  /**
   * An event too long to decode went past (over 4 MiB; see stream-pipeline.ts): only its length is
   * known. No OpenAI event comes near it; a hostile or broken upstream's may.
   */
  onLongEvent(length: number): void;
}

/** Where the pipeline writes the bytes for the client (the proxy's writer, with its backpressure). */
export interface ByteSink {
  write(bytes: Buffer): void;
}
