import type { SseEvent } from "../stream/event-observer.js";
import { findUsageObject } from "../stream/usage-object.js";
import { modelField } from "./answered-model.js";
import type { TextCounter } from "./generated-output.js";
import { type Json, parseJsonObject } from "./json.js";
import { createOutputCollector, type OutputCollector } from "./output-collector.js";
import { readPromptCompletionUsage } from "./read-usage.js";
import type { StreamObserver, Usage } from "./types.js";

export interface ChoiceChunkReader {
  hasContent(chunk: Json): boolean;
  /** Adds what the chunk generated (text, tool-call fragments) to the output of each of its choices. */
  collect(chunk: Json, output: OutputCollector): void;
}

const usageKey = /"usage"\s*:/;
/** English text is about 4 bytes a token with OpenAI's tokenizers; used only for events too long to decode. */
const bytesPerToken = 4;

/**
 * Observer for chat and legacy completion streams. JSON is parsed only where it is needed: until the
 * first content chunk (for time to first token), for events that carry a usage object, and, when the
 * first chunk shows the upstream ignores `include_usage` (no `usage` key at all), for every chunk so the
 * output can be counted with a tokenizer (`countText`; without one, no output is kept). The output is kept
 * as pieces, bounded per choice (output-collector.ts), never as the stream's bytes.
 */
export function createChoiceStreamObserver(
  reader: ChoiceChunkReader,
  onFirstToken: () => void,
  countText: TextCounter | undefined,
): StreamObserver {
  let usage: Usage | undefined;
  let model: string | undefined;
  let sawFirstEvent = false;
  let sawContent = false;
  let output: OutputCollector | undefined;
  return {
    get usage() {
      return usage;
    },
    get model() {
      return model;
    },
    completionText: () => (usage === undefined && output !== undefined ? output.output() : undefined),
    wants: (raw, hasUsage) => !sawContent || output !== undefined || (hasUsage ?? findUsageObject(raw) >= 0),
    onEvent({ data }: SseEvent) {
      if (data === "[DONE]") return;
      if (!sawFirstEvent) {
        sawFirstEvent = true;
        if (!usageKey.test(data) && countText !== undefined) output = createOutputCollector(countText);
      }
      const chunk = parseJsonObject(data);
      if (chunk === undefined) return;
      // The first chunk is always parsed (for the first token), and every chunk names the model.
      model ??= modelField(chunk.model);
      usage = readPromptCompletionUsage(chunk.usage) ?? usage;
      if (!sawContent && reader.hasContent(chunk)) {
        sawContent = true;
        onFirstToken();
      }
      if (output !== undefined) reader.collect(chunk, output);
    },
    onLongEvent(length) {
      // Not decoded: taken as content, and estimated by its length (see bytesPerToken).
      if (!sawContent) {
        sawContent = true;
        onFirstToken();
      }
      output?.addTokens(0, Math.ceil(length / bytesPerToken));
    },
  };
}

/** A choice's `index`, or its position when a server leaves the index out. */
export function choiceIndex(choice: Json, position: number): number {
  return typeof choice.index === "number" ? choice.index : position;
}
