import { createChoiceStreamObserver } from "./choice-stream.js";
import { arrayOf, isObject, type Json, stringOf, type UsageExtractor } from "./extractor.js";
import { usageOfBody } from "./read-usage.js";

function toolText(calls: unknown): string {
  let text = "";
  for (const call of arrayOf(calls)) {
    if (!isObject(call) || !isObject(call.function)) continue;
    text += stringOf(call.function.name) + stringOf(call.function.arguments);
  }
  return text;
}

/** Content of a message or a delta: text, refusal, reasoning (DeepSeek/vLLM style) and tool calls. */
function messageText(message: unknown): string {
  if (!isObject(message)) return "";
  return (
    stringOf(message.content) +
    stringOf(message.refusal) +
    stringOf(message.reasoning_content) +
    toolText(message.tool_calls) +
    (isObject(message.function_call) ? stringOf(message.function_call.arguments) : "")
  );
}

function deltaHasContent(delta: unknown): boolean {
  if (!isObject(delta)) return false;
  if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) return true;
  if (isObject(delta.audio) || isObject(delta.function_call)) return true;
  return messageText(delta) !== "";
}

const choicesText = (body: Json, key: "message" | "delta"): string =>
  arrayOf(body.choices)
    .map((choice) => (isObject(choice) ? messageText(choice[key]) : ""))
    .join("");

/** https://platform.openai.com/docs/api-reference/chat-streaming */
export const chatExtractor: UsageExtractor = {
  fromBody: usageOfBody,
  textOfBody: (body) => (isObject(body) ? choicesText(body, "message") : ""),
  observeStream: (onFirstToken) =>
    createChoiceStreamObserver(
      {
        hasContent: (chunk) => arrayOf(chunk.choices).some((c) => isObject(c) && deltaHasContent(c.delta)),
        textOf: (chunk) => choicesText(chunk, "delta"),
      },
      onFirstToken,
    ),
};
