import type { SseEvent } from "../stream/event-observer.js";
import { findUsageObject } from "../stream/usage-object.js";
import { modelField } from "./answered-model.js";
import type { GeneratedOutput, TextCounter } from "./generated-output.js";
import { type Json, parseJsonObject } from "./json.js";
import { createOutputCollector, type OutputCollector } from "./output-collector.js";
import { readPromptCompletionUsage } from "./read-usage.js";
import type { StreamObserver, Usage } from "./types.js";

export interface ChoiceChunkReader {
  hasContent(chunk: Json): boolean;
  /** Whether a chunk has content, from its bytes where they settle it (see chat-content-bytes.ts). */
  contentInBytes?(raw: Buffer): boolean | undefined;
  /** Adds what the chunk generated (text, tool-call fragments) to the output of each of its choices. */
  collect(chunk: Json, output: OutputCollector): void;
}

const usageKey = /"usage"\s*:/;
/** English text is about 4 bytes a token with OpenAI's tokenizers; used only for events too long to decode. */
const bytesPerToken = 4;

/**
 * Observer for chat and legacy completion streams. JSON is parsed only where it is needed: the first
 * event, events until the first content chunk whose bytes do not tell whether they have content (for
 * time to first token), events that carry a usage object, and, when the
 * first chunk shows the upstream ignores `include_usage` (no `usage` key at all), for every chunk so the
 * output can be counted with a tokenizer (`countText`; without one, no output is kept). The output is kept
 * as pieces, bounded per choice (output-collector.ts), never as the stream's bytes.
 */
export function createChoiceStreamObserver(
  reader: ChoiceChunkReader,
  onFirstToken: () => void,
  countText: TextCounter | undefined,
): StreamObserver {
  return new ChoiceStreamObserver(reader, onFirstToken, countText);
}

/**
 * A class rather than an object literal with getters: a literal with accessors took about 0.55 µs per
 * getter to create, once per stream (bench/README.md).
 */
class ChoiceStreamObserver implements StreamObserver {
  usage: Usage | undefined;
  model: string | undefined;
  private sawFirstEvent = false;
  private sawContent = false;
  private output: OutputCollector | undefined;

  constructor(
    private readonly reader: ChoiceChunkReader,
    private readonly onFirstToken: () => void,
    private readonly countText: TextCounter | undefined,
  ) {}

  completionText(): GeneratedOutput | undefined {
    return this.usage === undefined && this.output !== undefined ? this.output.output() : undefined;
  }

  wants(raw: Buffer, hasUsage: boolean | undefined): boolean {
    if (!this.sawFirstEvent || this.output !== undefined) return true;
    if (!this.sawContent) {
      const content = this.reader.contentInBytes?.(raw);
      if (content === undefined) return true;
      if (content) this.contentSeen();
    }
    return hasUsage ?? findUsageObject(raw) >= 0;
  }

  onEvent({ data }: SseEvent): void {
    if (data === "[DONE]") return;
    if (!this.sawFirstEvent) {
      this.sawFirstEvent = true;
      if (!usageKey.test(data) && this.countText !== undefined) {
        this.output = createOutputCollector(this.countText);
      }
    }
    const chunk = parseJsonObject(data);
    if (chunk === undefined) return;
    // The first chunk is always parsed (for the first token), and every chunk names the model.
    this.model ??= modelField(chunk.model);
    this.usage = readPromptCompletionUsage(chunk.usage) ?? this.usage;
    if (!this.sawContent && this.reader.hasContent(chunk)) this.contentSeen();
    if (this.output !== undefined) this.reader.collect(chunk, this.output);
  }

  onLongEvent(length: number): void {
    // Not decoded: taken as content, and estimated by its length (see bytesPerToken).
    if (!this.sawContent) this.contentSeen();
    this.output?.addTokens(0, Math.ceil(length / bytesPerToken));
  }

  private contentSeen(): void {
    this.sawContent = true;
    this.onFirstToken();
  }
}

/** A choice's `index`, or its position when a server leaves the index out. */
export function choiceIndex(choice: Json, position: number): number {
  return typeof choice.index === "number" ? choice.index : position;
}
