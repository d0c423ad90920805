import type { SseEvent } from "../stream/sse-tap.js";
import type { Json, StreamObserver } from "./extractor.js";
import { parseData } from "./extractor.js";
import { readPromptCompletionUsage } from "./read-usage.js";
import type { Usage } from "./types.js";

export interface ChoiceChunkReader {
  hasContent(chunk: Json): boolean;
  textOf(chunk: Json): string;
}

const usageObject = /"usage"\s*:\s*\{/;
const usageKey = /"usage"\s*:/;

/**
 * Observer for chat and legacy completion streams. JSON is parsed only where it is needed: until the
 * first content chunk (for time to first token), for events that carry a usage object, and, when the
 * first chunk shows the upstream ignores `include_usage` (no `usage` key at all), for every chunk so the
 * text can be counted with a tokenizer. The text is kept as pieces, never as the stream's bytes.
 */
export function createChoiceStreamObserver(
  reader: ChoiceChunkReader,
  onFirstToken: () => void,
): StreamObserver {
  let usage: Usage | undefined;
  let sawFirstEvent = false;
  let sawContent = false;
  let pieces: string[] | undefined;
  return {
    get usage() {
      return usage;
    },
    completionText: () => (usage === undefined && pieces !== undefined ? pieces.join("") : undefined),
    onEvent({ data }: SseEvent) {
      if (data === "[DONE]") return;
      if (!sawFirstEvent) {
        sawFirstEvent = true;
        if (!usageKey.test(data)) pieces = [];
      }
      const hasUsage = usageObject.test(data);
      if (sawContent && !hasUsage && pieces === undefined) return;
      const chunk = parseData(data);
      if (chunk === undefined) return;
      if (hasUsage) usage = readPromptCompletionUsage(chunk.usage) ?? usage;
      if (!sawContent && reader.hasContent(chunk)) {
        sawContent = true;
        onFirstToken();
      }
      pieces?.push(reader.textOf(chunk));
    },
  };
}
