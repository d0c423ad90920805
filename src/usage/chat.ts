import { chatContentInBytes } from "./chat-content-bytes.js";
import { choiceIndex, createChoiceStreamObserver } from "./choice-stream.js";
import type { GeneratedOutput, ToolCallText } from "./generated-output.js";
import { arrayOf, isObject, type Json, stringOf } from "./json.js";
import type { OutputCollector } from "./output-collector.js";
import { usageOfBody } from "./read-usage.js";
import type { UsageExtractor } from "./types.js";

/** Text of a message or a delta: content, refusal and reasoning (DeepSeek/vLLM style). */
function messageText(message: Json): string {
  return stringOf(message.content) + stringOf(message.refusal) + stringOf(message.reasoning_content);
}

/** Tool calls of a whole message, and the legacy `function_call` as one more. */
function messageToolCalls(message: Json): ToolCallText[] {
  const calls = arrayOf(message.tool_calls).map((call) => (isObject(call) ? call.function : undefined));
  if (message.function_call !== undefined) calls.push(message.function_call);
  return calls.filter(isObject).map((fn) => ({ name: stringOf(fn.name), arguments: stringOf(fn.arguments) }));
}

function deltaHasContent(delta: unknown): boolean {
  if (!isObject(delta)) return false;
  if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) return true;
  if (isObject(delta.audio) || isObject(delta.function_call)) return true;
  return messageText(delta) !== "";
}

/** A delta's fragments: text, and tool-call pieces keyed by their `index` (the name comes once, first). */
function collectDelta(choice: number, delta: Json, output: OutputCollector): void {
  output.addText(choice, messageText(delta));
  arrayOf(delta.tool_calls).forEach((call, position) => {
    if (!isObject(call)) return;
    const fn = isObject(call.function) ? call.function : {};
    const index = typeof call.index === "number" ? call.index : position;
    output.addToolCall(choice, index, stringOf(fn.name), stringOf(fn.arguments));
  });
  const legacy = delta.function_call;
  if (isObject(legacy)) output.addToolCall(choice, 0, stringOf(legacy.name), stringOf(legacy.arguments));
}

function bodyOutput(body: unknown): GeneratedOutput {
  if (!isObject(body)) return [];
  return arrayOf(body.choices)
    .filter(isObject)
    .map((choice) => (isObject(choice.message) ? choice.message : {}))
    .map((message) => ({ text: messageText(message), toolCalls: messageToolCalls(message) }));
}

/** https://platform.openai.com/docs/api-reference/chat-streaming */
export const chatExtractor: UsageExtractor = {
  fromBody: usageOfBody,
  textOfBody: bodyOutput,
  observeStream: (onFirstToken, countText) =>
    createChoiceStreamObserver(
      {
        hasContent: (chunk) => arrayOf(chunk.choices).some((c) => isObject(c) && deltaHasContent(c.delta)),
        contentInBytes: chatContentInBytes,
        collect: (chunk, output) =>
          arrayOf(chunk.choices).forEach((choice, position) => {
            if (isObject(choice) && isObject(choice.delta)) {
              collectDelta(choiceIndex(choice, position), choice.delta, output);
            }
          }),
      },
      onFirstToken,
      countText,
    ),
};
