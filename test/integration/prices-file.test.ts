import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics, seriesValue } from "../helpers/metrics.js";
import { type Stack, startStack } from "../helpers/stack.js";

// LiteLLM's format, USD per token: gpt-4o-mini at 1.00 / cached 0.50 / 2.00 per million, instead of the
// built-in 0.15 / 0.075 / 0.60.
const liteLlmPrices = {
  "gpt-4o-mini": {
    input_cost_per_token: 1e-6,
    output_cost_per_token: 2e-6,
    cache_read_input_token_cost: 5e-7,
    litellm_provider: "openai",
    mode: "chat",
  },
};

const unpricedModel = "acme-private-llm";
const dir = mkdtempSync(join(tmpdir(), "prices-file-"));
const logLines: string[] = [];
let stack: Stack;

beforeAll(async () => {
  const file = join(dir, "prices.json");
  writeFileSync(file, JSON.stringify(liteLlmPrices));
  stack = await startStack({ env: { PRICES_FILE: file }, logLines });
});
afterAll(async () => {
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
});

interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
}

/** One non-streamed chat call; returns the usage the upstream reported and how the metrics moved. */
async function chat(model: string, content: string, headers: Record<string, string> = {}) {
  const before = parseMetrics(await stack.metricsText());
  const response = await fetch(`${stack.proxyUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  });
  expect(response.status).toBe(200);
  const { usage } = (await response.json()) as { usage: ChatUsage };
  const moved = deltas(before, parseMetrics(await stack.metricsText()));
  return { usage, moved };
}

/** The messages of the proxy's warn-level (40) JSON log lines about `model`. */
const warningsAbout = (model: string): string[] =>
  logLines
    .map((line) => JSON.parse(line) as { level: number; model?: string; msg: string })
    .filter((entry) => entry.level === 40 && entry.model === model)
    .map((entry) => entry.msg);

const cost = (moved: Map<string, number>, model: string) =>
  seriesValue(moved, "llm_cost_usd_total", { model });

describe("PRICES_FILE in LiteLLM's format", () => {
  it("prices gpt-4o-mini at the file's rates, cached tokens at the cache-read rate", async () => {
    // Over 1024 prompt tokens and a cache hit, so that the cached rate is exercised too.
    const { usage, moved } = await chat("gpt-4o-mini", "count every token ".repeat(400), {
      "x-simulator-cache": "hit",
    });
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThan(0);
    const expected = ((usage.prompt_tokens - cached) * 1 + cached * 0.5 + usage.completion_tokens * 2) / 1e6;
    expect(cost(moved, "gpt-4o-mini")).toBeCloseTo(expected, 12);
    const builtIn =
      ((usage.prompt_tokens - cached) * 0.15 + cached * 0.075 + usage.completion_tokens * 0.6) / 1e6;
    expect(cost(moved, "gpt-4o-mini")).not.toBeCloseTo(builtIn, 9);
  });

  it("keeps the built-in prices of the models the file does not name", async () => {
    const { usage, moved } = await chat("gpt-4o", "Say this is a test");
    const expected = (usage.prompt_tokens * 2.5 + usage.completion_tokens * 10) / 1e6;
    expect(cost(moved, "gpt-4o")).toBeCloseTo(expected, 12);
  });

  it("counts a model without a price as unpriced, adds no cost, and warns once however often", async () => {
    let prompt = 0;
    let unpriced = 0;
    for (const content of ["first", "second call", "third call here"]) {
      const { usage, moved } = await chat(unpricedModel, content);
      expect(cost(moved, unpricedModel)).toBe(0);
      expect(seriesValue(moved, "llm_tokens_total", { model: unpricedModel, type: "prompt" })).toBe(
        usage.prompt_tokens,
      );
      prompt += usage.prompt_tokens;
      unpriced += seriesValue(moved, "llm_unpriced_requests_total", { model: unpricedModel });
    }
    expect(prompt).toBeGreaterThan(0);
    expect(unpriced).toBe(3);
    const metrics = parseMetrics(await stack.metricsText());
    expect(metrics.has(`llm_cost_usd_total{model="${unpricedModel}"}`)).toBe(false);
    expect(warningsAbout(unpricedModel)).toEqual(["model has no price; its cost is not counted"]);
  });
});
