import { describe, expect, it } from "vitest";
import { embeddingsExtractor } from "../../src/usage/embeddings.js";
import { loadTranscript } from "../helpers/fixtures.js";

const body = (name: string): unknown => JSON.parse(loadTranscript(name).response.body);

describe("embeddings", () => {
  it.each([
    ["31_embeddings_float_dimensions", 8],
    ["32_embeddings_base64", 9],
  ] as const)("%s: prompt tokens only", (name, promptTokens) => {
    expect(embeddingsExtractor.fromBody(body(name))).toEqual({
      promptTokens,
      completionTokens: 0,
      cachedTokens: 0,
      reasoningTokens: 0,
    });
  });

  it("generates nothing to estimate, and an embeddings stream (there is none) reports nothing", () => {
    expect(embeddingsExtractor.textOfBody(body("31_embeddings_float_dimensions"))).toEqual([]);
    let firstTokens = 0;
    const observer = embeddingsExtractor.observeStream(() => {
      firstTokens += 1;
    });
    observer.onEvent({ id: undefined, event: undefined, data: '{"usage":{"prompt_tokens":3}}' });
    expect([observer.usage, observer.completionText(), firstTokens]).toEqual([undefined, undefined, 0]);
  });

  it("25: an error body has no usage", () => {
    expect(embeddingsExtractor.fromBody(body("25_error_404_model_not_found_embeddings"))).toBeUndefined();
  });
});
