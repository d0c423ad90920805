import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toPerMillion } from "../../src/pricing/parse-prices.js";
import { createPriceTable, loadPricesFile } from "../../src/pricing/price-table.js";
import { resolvePrice } from "../../src/pricing/resolve-model.js";

// Entries shaped like BerriAI/litellm's model_prices_and_context_window.json (USD per token).
// https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json
const liteLlmFile = {
  sample_spec: {
    input_cost_per_token: 0.0,
    litellm_provider: "one of https://docs.litellm.ai/docs/providers",
    mode: "one of: chat, embedding, completion, image_generation, audio_transcription, audio_speech",
    output_cost_per_token: 0.0,
  },
  "1024-x-1024/dall-e-2": {
    input_cost_per_pixel: 1.9e-8,
    litellm_provider: "openai",
    mode: "image_generation",
    output_cost_per_pixel: 0.0,
  },
  "gpt-4o": {
    cache_read_input_token_cost: 1e-6,
    input_cost_per_token: 2e-6,
    litellm_provider: "openai",
    max_input_tokens: 128000,
    mode: "chat",
    output_cost_per_token: 8e-6,
    supports_function_calling: true,
  },
  "azure/gpt-4o": {
    cache_read_input_token_cost: 1.25e-6,
    input_cost_per_token: 2.75e-6,
    litellm_provider: "azure",
    mode: "chat",
    output_cost_per_token: 1.1e-5,
  },
  "ft:gpt-4o-mini-2024-07-18": {
    cache_read_input_token_cost: 1.5e-7,
    input_cost_per_token: 3e-7,
    litellm_provider: "openai",
    mode: "chat",
    output_cost_per_token: 1.2e-6,
  },
  "text-embedding-3-large": {
    input_cost_per_token: 1.3e-7,
    litellm_provider: "openai",
    mode: "embedding",
    output_cost_per_token: 0.0,
  },
  "Mistral/Mistral-Small-Latest": {
    input_cost_per_token: 1e-7,
    litellm_provider: "mistral",
    mode: "chat",
  },
};

describe("LiteLLM-format overrides", () => {
  const table = createPriceTable(liteLlmFile);

  it("replace a built-in price, converting USD per token to USD per million", () => {
    expect(table.models.get("gpt-4o")).toStrictEqual({ input: 2, cachedInput: 1, output: 8 });
  });

  it("add new models under the names given, provider prefix included", () => {
    expect(table.models.get("azure/gpt-4o")).toStrictEqual({ input: 2.75, cachedInput: 1.25, output: 11 });
    expect(table.models.get("ft:gpt-4o-mini-2024-07-18")).toStrictEqual({
      input: 0.3,
      cachedInput: 0.15,
      output: 1.2,
    });
    expect(table.models.get("mistral/mistral-small-latest")).toStrictEqual({ input: 0.1, output: 0 });
  });

  it("skip the sample_spec schema entry and models not priced per token", () => {
    expect(table.models.has("sample_spec")).toBe(false);
    expect(table.models.has("1024-x-1024/dall-e-2")).toBe(false);
  });

  it("keep built-in models the file does not mention", () => {
    expect(table.models.get("gpt-4.1")).toStrictEqual({ input: 2, cachedInput: 0.5, output: 8 });
  });

  it("let a provider-specific price win over the generic one, even for a dated snapshot", () => {
    expect(resolvePrice(table, "azure/gpt-4o-2024-08-06")?.name).toBe("azure/gpt-4o");
    expect(resolvePrice(table, "openai/gpt-4o-2024-08-06")?.name).toBe("gpt-4o");
  });
});

describe("toPerMillion", () => {
  it.each([
    [2.5e-6, 2.5],
    [1e-5, 10],
    [1.25e-6, 1.25],
    [1.5e-7, 0.15],
    [7.5e-8, 0.075],
    [6e-7, 0.6],
    [1.1e-6, 1.1],
    [4.4e-6, 4.4],
    [2.75e-7, 0.275],
    [2e-8, 0.02],
    [1.3e-7, 0.13],
    [5e-9, 0.005],
  ])("turns %d USD per token into exactly %d per million", (perToken, perMillion) => {
    expect(toPerMillion(perToken)).toBe(perMillion);
  });
});

describe("loadPricesFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "prices-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads and parses a JSON file", () => {
    const path = join(dir, "prices.json");
    writeFileSync(path, JSON.stringify({ models: { "gpt-4o": { input: 1, output: 2 } } }));
    const table = createPriceTable(loadPricesFile(path));
    expect(table.models.get("gpt-4o")).toStrictEqual({ input: 1, output: 2 });
  });

  it("names the path when the file is missing", () => {
    const path = join(dir, "missing.json");
    expect(() => loadPricesFile(path)).toThrow(`Cannot read prices file ${path}`);
  });

  it("names the path when the file is not JSON", () => {
    const path = join(dir, "broken.json");
    writeFileSync(path, "{ models: ");
    expect(() => loadPricesFile(path)).toThrow(`Prices file ${path} is not valid JSON`);
  });
});
