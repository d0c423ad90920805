import { choiceIndex, createChoiceStreamObserver } from "./choice-stream.js";
import type { GeneratedOutput } from "./generated-output.js";
import { arrayOf, isObject, type Json, stringOf } from "./json.js";
import { usageOfBody } from "./read-usage.js";
import type { UsageExtractor } from "./types.js";

const choicesText = (body: Json): string =>
  arrayOf(body.choices)
    .map((choice) => (isObject(choice) ? stringOf(choice.text) : ""))
    .join("");

const bodyOutput = (body: unknown): GeneratedOutput =>
  isObject(body)
    ? arrayOf(body.choices)
        .filter(isObject)
        .map((choice) => ({ text: stringOf(choice.text), toolCalls: [] }))
    : [];

/** Legacy completions: https://platform.openai.com/docs/api-reference/completions */
export const completionsExtractor: UsageExtractor = {
  fromBody: usageOfBody,
  textOfBody: bodyOutput,
  observeStream: (onFirstToken, countText) =>
    createChoiceStreamObserver(
      {
        hasContent: (chunk) => choicesText(chunk) !== "",
        collect: (chunk, output) =>
          arrayOf(chunk.choices).forEach((choice, position) => {
            if (isObject(choice)) output.addText(choiceIndex(choice, position), stringOf(choice.text));
          }),
      },
      onFirstToken,
      countText,
    ),
};
