import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMetrics, seriesKey, seriesLabels, seriesValue } from "../helpers/metrics.js";
import { type Stack, startStack } from "../helpers/stack.js";

// The counters that carry `key` once client keys are configured; histograms and gauges never do.
const keyedCounters = [
  "llm_requests_total",
  "llm_tokens_total",
  "llm_cost_usd_total",
  "llm_errors_total",
  "llm_cached_tokens_total",
  "llm_reasoning_tokens_total",
  "llm_unpriced_requests_total",
  "llm_usage_estimated_total",
];
const unkeyed = [
  "llm_request_latency_seconds_bucket",
  "llm_time_to_first_token_seconds_bucket",
  "llm_proxy_overhead_seconds_bucket",
  "llm_requests_in_flight",
  "llm_ratelimit_remaining",
  "llm_ratelimit_limit",
];

const messages = [{ role: "user" as const, content: "Say something about counters." }];
const client = (stack: Stack, apiKey: string) =>
  new OpenAI({ baseURL: `${stack.proxyUrl}/v1`, apiKey, maxRetries: 0 });

/** Moves every keyed counter for the key `apiKey`: priced, reasoning, unpriced, estimated, 429. */
async function trafficFor(stack: Stack, apiKey: string): Promise<void> {
  const openai = client(stack, apiKey);
  await openai.chat.completions.create({ model: "gpt-4o-mini", messages });
  const stream = await openai.chat.completions.create({ model: "gpt-5-nano", messages, stream: true });
  for await (const _chunk of stream);
  await openai.chat.completions.create({ model: "acme-private-llm", messages });
  await openai.chat.completions.create(
    { model: "gpt-4o-mini", messages },
    { headers: { "x-simulator-fault": "no_usage" } },
  );
  const limited = openai.chat.completions.create(
    { model: "gpt-4o", messages },
    { headers: { "x-simulator-fault": "rate_limit" } },
  );
  await expect(limited).rejects.toMatchObject({ status: 429 });
}

function expectKeyedCounters(text: string, key: string): void {
  for (const name of keyedCounters) {
    const sets = seriesLabels(text, name);
    expect(sets.length, name).toBeGreaterThan(0);
    expect(
      sets.every((labels) => labels.key !== undefined),
      name,
    ).toBe(true);
    expect(
      sets.some((labels) => labels.key === key),
      `${name} for ${key}`,
    ).toBe(true);
  }
  for (const name of unkeyed) {
    expect(
      seriesLabels(text, name).every((labels) => labels.key === undefined),
      name,
    ).toBe(true);
  }
}

describe("named keys in PROXY_API_KEYS", () => {
  let stack: Stack;
  const logLines: string[] = [];

  beforeAll(async () => {
    stack = await startStack({
      env: { PROXY_API_KEYS: "search:sk-search-1,batch:sk-batch-2,sk-bare-3", OPENAI_API_KEY: "sk-own" },
      logLines,
    });
    await trafficFor(stack, "sk-search-1");
    await client(stack, "sk-batch-2").embeddings.create({ model: "text-embedding-3-small", input: "x" });
    await client(stack, "sk-bare-3").chat.completions.create({ model: "gpt-4o-mini", messages });
    await expect(
      client(stack, "sk-wrong").chat.completions.create({ model: "gpt-4o-mini", messages }),
    ).rejects.toMatchObject({ status: 401 });
  });
  afterAll(() => stack?.close());

  it("labels every listed counter with the key's name, and no histogram or gauge", async () => {
    expectKeyedCounters(await stack.metricsText(), "search");
  });

  it("counts each counter under its key: search's tokens, cost, reasoning, unpriced, estimated, 429", async () => {
    const metrics = parseMetrics(await stack.metricsText());
    const search = { key: "search" };
    expect(
      seriesValue(metrics, "llm_tokens_total", { ...search, model: "gpt-4o-mini", type: "prompt" }),
    ).toBeGreaterThan(0);
    expect(seriesValue(metrics, "llm_cost_usd_total", { ...search, model: "gpt-4o-mini" })).toBeGreaterThan(
      0,
    );
    expect(
      seriesValue(metrics, "llm_reasoning_tokens_total", { ...search, model: "gpt-5-nano" }),
    ).toBeGreaterThan(0);
    // Recorded at zero (the simulator caches nothing), so the series exists under the key.
    expect(metrics.has(seriesKey("llm_cached_tokens_total", { ...search, model: "gpt-4o-mini" }))).toBe(true);
    expect(
      seriesValue(metrics, "llm_unpriced_requests_total", { ...search, model: "acme-private-llm" }),
    ).toBe(1);
    expect(seriesValue(metrics, "llm_usage_estimated_total", { ...search, model: "gpt-4o-mini" })).toBe(1);
    expect(seriesValue(metrics, "llm_errors_total", { ...search, model: "gpt-4o", type: "rate_limit" })).toBe(
      1,
    );
    const requests = { endpoint: "chat_completions", stream: "false", code: "200" };
    expect(seriesValue(metrics, "llm_requests_total", { ...search, model: "gpt-4o-mini", ...requests })).toBe(
      2,
    );
  });

  it("names the other key and a bare key unnamed, and a refused request none", async () => {
    const metrics = parseMetrics(await stack.metricsText());
    const embeddings = {
      model: "text-embedding-3-small",
      endpoint: "embeddings",
      stream: "false",
      code: "200",
    };
    expect(seriesValue(metrics, "llm_requests_total", { key: "batch", ...embeddings })).toBe(1);
    const chat = { model: "gpt-4o-mini", endpoint: "chat_completions", stream: "false", code: "200" };
    expect(seriesValue(metrics, "llm_requests_total", { key: "unnamed", ...chat })).toBe(1);
    const refused = { key: "none", model: "unknown", endpoint: "chat_completions", stream: "false" };
    expect(seriesValue(metrics, "llm_requests_total", { ...refused, code: "401" })).toBe(1);
    expect(
      seriesValue(metrics, "llm_errors_total", { key: "none", model: "unknown", type: "unauthorized" }),
    ).toBe(1);
  });

  it("never shows a key or a digest of one in the metrics or the log", async () => {
    const text = `${await stack.metricsText()}\n${logLines.join("\n")}`;
    for (const key of ["sk-search-1", "sk-batch-2", "sk-bare-3", "sk-wrong", "sk-own"]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(createHash("sha256").update(key).digest("hex"));
    }
  });

  it("writes the key's name on each access-log line", () => {
    const entries = logLines.map((line) => JSON.parse(line) as { msg: string; caller?: { key?: string } });
    const keys = entries.filter((entry) => entry.msg === "request").map((entry) => entry.caller?.key);
    expect(keys).toEqual(expect.arrayContaining(["search", "batch", "unnamed", "none"]));
    expect(keys).not.toContain(undefined);
  });
});

describe("named keys in PROXY_API_KEYS_FILE", () => {
  const dir = mkdtempSync(join(tmpdir(), "keys-file-"));
  let stack: Stack;

  beforeAll(async () => {
    const file = join(dir, "keys.json");
    const digest = createHash("sha256").update("sk-batch-file").digest("hex");
    const keys = [
      { name: "search", key: "sk-search-file" },
      { name: "batch", sha256: digest, budgetUsd: 25, budgetPeriod: "day" },
      { name: "lab", key: "sk-lab-file", budgetUsd: 500 },
    ];
    writeFileSync(file, JSON.stringify(keys));
    stack = await startStack({ env: { PROXY_API_KEYS_FILE: file } });
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes a key given as itself and one given by its SHA-256, each under its name", async () => {
    await trafficFor(stack, "sk-search-file");
    await trafficFor(stack, "sk-batch-file");
    const text = await stack.metricsText();
    expectKeyedCounters(text, "search");
    expectKeyedCounters(text, "batch");
  });

  it("exports each budget as llm_budget_usd{key, period}, and nothing for a key without one", async () => {
    const text = await stack.metricsText();
    expect(seriesLabels(text, "llm_budget_usd")).toEqual([
      { key: "batch", period: "day" },
      { key: "lab", period: "month" },
    ]);
    const metrics = parseMetrics(text);
    expect(seriesValue(metrics, "llm_budget_usd", { key: "batch", period: "day" })).toBe(25);
    expect(seriesValue(metrics, "llm_budget_usd", { key: "lab", period: "month" })).toBe(500);
  });
});

describe("without client keys", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it("has no key label on any metric, and neither the budget nor the overflow metric", async () => {
    await trafficFor(stack, "sk-anything");
    const text = await stack.metricsText();
    expect(seriesLabels(text, "llm_tokens_total").length).toBeGreaterThan(0);
    expect(text).not.toMatch(/[{,]key="/);
    expect(text).not.toContain("llm_budget_usd");
    expect(text).not.toContain("llm_attribution_overflow_total");
  });
});
