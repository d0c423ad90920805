import type { EventObserver, SseEvent } from "../../src/stream/event-observer.js";
import { StreamPipeline } from "../../src/stream/stream-pipeline.js";
import type { Usage } from "../../src/usage/types.js";

export interface PipelineRun {
  /** The length of each event too long to decode, as the observer was told. */
  readonly longEvents: number[];
  /** Everything the pipeline wrote for the client, joined. */
  readonly bytes: Buffer;
  /** Each event the observer decoded (all of them, unless `wants` chose). */
  readonly events: SseEvent[];
  readonly sawErrorEvent: boolean;
}

/** Runs chunks through a stream pipeline, with an observer that wants every event unless told. */
export function runPipeline(
  chunks: readonly Buffer[],
  filterUsage: boolean,
  wants: EventObserver["wants"] = () => true,
): PipelineRun {
  const written: Buffer[] = [];
  const events: SseEvent[] = [];
  const longEvents: number[] = [];
  const observer: EventObserver = {
    wants,
    onEvent: ({ event, data }) => events.push(event === undefined ? { data } : { event, data }),
    onLongEvent: (length) => longEvents.push(length),
  };
  const pipeline = new StreamPipeline({
    sink: { write: (bytes) => written.push(bytes) },
    observer,
    filterUsage,
  });
  // The pipeline may rewrite a chunk it was handed; the callers' buffers stay as they were.
  for (const chunk of chunks) pipeline.push(Buffer.from(chunk));
  pipeline.end();
  return { bytes: Buffer.concat(written), events, longEvents, sawErrorEvent: pipeline.sawErrorEvent };
}

/** Feeds the usage filter the chunks and joins all it lets through, the last unterminated event included. */
export function stripAll(chunks: readonly Buffer[]): Buffer {
  return runPipeline(chunks, true, () => false).bytes;
}

/** A Usage with its subsets defaulting to 0. */
export const usageOf = (
  promptTokens: number,
  completionTokens: number,
  cachedTokens = 0,
  reasoningTokens = 0,
): Usage => ({
  promptTokens,
  completionTokens,
  cachedTokens,
  reasoningTokens,
});
