import { createChoiceStreamObserver } from "./choice-stream.js";
import { arrayOf, isObject, type Json, stringOf, type UsageExtractor } from "./extractor.js";
import { usageOfBody } from "./read-usage.js";

const choicesText = (body: Json): string =>
  arrayOf(body.choices)
    .map((choice) => (isObject(choice) ? stringOf(choice.text) : ""))
    .join("");

/** Legacy completions: https://platform.openai.com/docs/api-reference/completions */
export const completionsExtractor: UsageExtractor = {
  fromBody: usageOfBody,
  textOfBody: (body) => (isObject(body) ? choicesText(body) : ""),
  observeStream: (onFirstToken) =>
    createChoiceStreamObserver(
      { hasContent: (chunk) => choicesText(chunk) !== "", textOf: choicesText },
      onFirstToken,
    ),
};
