import type { SseEvent } from "../stream/sse-tap.js";
import { arrayOf, isObject, parseData, stringOf, type UsageExtractor } from "./extractor.js";
import { readAnyUsage, usageOfBody } from "./read-usage.js";
import type { Usage } from "./types.js";

// The events that close a response and carry its usage:
// https://platform.openai.com/docs/api-reference/responses-streaming/response/completed
const finalEvents = new Set(["response.completed", "response.incomplete", "response.failed"]);

/** Text of a response's output items: messages' output_text parts and function call arguments. */
function outputText(response: unknown): string {
  if (!isObject(response)) return "";
  let text = "";
  for (const item of arrayOf(response.output)) {
    if (!isObject(item)) continue;
    text += stringOf(item.arguments);
    for (const part of arrayOf(item.content)) if (isObject(part)) text += stringOf(part.text);
  }
  return text;
}

const typeField = /"type"\s*:\s*"([^"]+)"/;

/** Servers that omit the `event:` line still name the type first in the data. */
const eventType = ({ event, data }: SseEvent): string => event ?? typeField.exec(data)?.[1] ?? "";

const isContentDelta = (type: string): boolean => type.endsWith(".delta") && type.startsWith("response.");

/** The Responses API: https://platform.openai.com/docs/api-reference/responses */
export const responsesExtractor: UsageExtractor = {
  fromBody: usageOfBody,
  textOfBody: outputText,
  observeStream(onFirstToken) {
    let usage: Usage | undefined;
    let text: string | undefined;
    let sawContent = false;
    return {
      get usage() {
        return usage;
      },
      completionText: () => (usage === undefined ? text : undefined),
      onEvent(sse: SseEvent) {
        const type = eventType(sse);
        if (!sawContent && isContentDelta(type)) {
          sawContent = true;
          onFirstToken();
        }
        if (!finalEvents.has(type)) return;
        const response = parseData(sse.data)?.response;
        usage = (isObject(response) ? readAnyUsage(response.usage) : undefined) ?? usage;
        text = outputText(response);
      },
    };
  },
};
