import type { SseEvent } from "../stream/event-observer.js";
import { modelField } from "./answered-model.js";
import type { GeneratedOutput, ToolCallText } from "./generated-output.js";
import { arrayOf, isObject, parseJsonObject, stringOf } from "./json.js";
import { readAnyUsage, usageOfBody } from "./read-usage.js";
import type { StreamObserver, Usage, UsageExtractor } from "./types.js";

// The events that close a response and carry its usage:
// https://platform.openai.com/docs/api-reference/responses-streaming/response/completed
const finalEvents = new Set(["response.completed", "response.incomplete", "response.failed"]);
const finalEventNames = [...finalEvents].map((name) => Buffer.from(name));

/**
 * What a response's output items generated: message text (output_text and refusal parts) and function
 * calls, all in one assistant turn. https://platform.openai.com/docs/api-reference/responses/object
 */
function responseOutput(response: unknown): GeneratedOutput {
  if (!isObject(response)) return [];
  let text = "";
  const toolCalls: ToolCallText[] = [];
  for (const item of arrayOf(response.output)) {
    if (!isObject(item)) continue;
    if (item.type === "function_call") {
      toolCalls.push({ name: stringOf(item.name), arguments: stringOf(item.arguments) });
      continue;
    }
    for (const part of arrayOf(item.content)) {
      if (isObject(part)) text += stringOf(part.text) + stringOf(part.refusal);
    }
  }
  return text === "" && toolCalls.length === 0 ? [] : [{ text, toolCalls }];
}

const typeField = /"type"\s*:\s*"([^"]+)"/;

/** Servers that omit the `event:` line still name the type first in the data. */
const eventType = ({ event, data }: SseEvent): string => event ?? typeField.exec(data)?.[1] ?? "";

const isContentDelta = (type: string): boolean => type.endsWith(".delta") && type.startsWith("response.");

/** A stream of the Responses API: the first content delta, and the final event's usage and output. */
class ResponsesStreamObserver implements StreamObserver {
  usage: Usage | undefined;
  model: string | undefined;
  private output: GeneratedOutput | undefined;
  private sawContent = false;

  constructor(private readonly onFirstToken: () => void) {}

  completionText(): GeneratedOutput | undefined {
    return this.usage === undefined ? this.output : undefined;
  }

  wants(raw: Buffer, hasUsage: boolean | undefined): boolean {
    return !this.sawContent || hasUsage === true || finalEventNames.some((name) => raw.includes(name));
  }

  onEvent(sse: SseEvent): void {
    const type = eventType(sse);
    if (!this.sawContent && isContentDelta(type)) this.contentSeen();
    if (!finalEvents.has(type)) return;
    const response = parseJsonObject(sse.data)?.response;
    this.usage = (isObject(response) ? readAnyUsage(response.usage) : undefined) ?? this.usage;
    this.model = (isObject(response) ? modelField(response.model) : undefined) ?? this.model;
    this.output = responseOutput(response);
  }

  onLongEvent(): void {
    // Not decoded: a delta that long is content; a final event that long leaves the usage unknown.
    if (!this.sawContent) this.contentSeen();
  }

  private contentSeen(): void {
    this.sawContent = true;
    this.onFirstToken();
  }
}

/** The Responses API: https://platform.openai.com/docs/api-reference/responses */
export const responsesExtractor: UsageExtractor = {
  fromBody: usageOfBody,
  textOfBody: responseOutput,
  observeStream: (onFirstToken) => new ResponsesStreamObserver(onFirstToken),
};
