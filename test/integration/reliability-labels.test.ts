import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMetrics } from "../helpers/metrics.js";
import { type Stack, startStack } from "../helpers/stack.js";

const maxModelLabels = 20;
const knownModels = ["gpt-4o-mini", "gpt-4o"];
const total = 10_000;
const batchSize = 250;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { MAX_MODEL_LABELS: String(maxModelLabels), LOG_LEVEL: "error" } });
});

afterAll(() => stack?.close());

/** Random names, some with characters the exposition format must escape and some far too long. */
function randomModel(i: number): string {
  const id = randomBytes(6).toString("hex");
  if (i % 97 === 0) return `we"ird\\mödel-🙂-${id}`;
  if (i % 89 === 0) return `long-${id}-${"x".repeat(500)}`;
  return `model-${id}`;
}

async function send(model: string): Promise<number> {
  const response = await fetch(`${stack.proxyUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-simulator-tokens": "2" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "bounded" }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Sends `count` requests, `batchSize` at a time, every tenth one with a known model. */
async function sendMany(from: number, count: number): Promise<void> {
  for (let start = from; start < from + count; start += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, from + count - start) }, (_, j) => start + j);
    const statuses = await Promise.all(
      batch.map((i) => send(i % 10 === 0 ? (knownModels[i % 20 === 0 ? 0 : 1] as string) : randomModel(i))),
    );
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  }
}

/** The llm_* lines only: the process metrics next to them change on their own. */
async function llmText(): Promise<string> {
  const text = await stack.metricsText();
  return text
    .split("\n")
    .filter((line) => line.startsWith("llm_"))
    .join("\n");
}

function modelLabels(text: string): Set<string> {
  const models = new Set<string>();
  for (const key of parseMetrics(text).keys()) {
    const match = /model="((?:[^"\\]|\\.)*)"/.exec(key);
    if (match !== null) models.add(match[1] as string);
  }
  return models;
}

describe(`${total} random model names`, () => {
  it("leave at most MAX_MODEL_LABELS + known models + other label values, and /metrics stops growing", async () => {
    await sendMany(0, 1000);
    const early = await llmText();
    await sendMany(1000, total - 1000);
    const late = await llmText();

    const models = modelLabels(late);
    expect(models.size).toBeLessThanOrEqual(maxModelLabels + knownModels.length + 1);
    expect(models).toContain("other");
    for (const known of knownModels) expect(models).toContain(known);
    expect([...models].every((model) => model.length <= 100)).toBe(true);

    // The same series, only their values grew: a few more digits at most, never another series.
    expect(late.split("\n").length).toBe(early.split("\n").length);
    expect(modelLabels(early)).toEqual(models);
    expect(late.length - early.length).toBeLessThan(early.length * 0.05);

    const requests = parseMetrics(late);
    const counted = [...requests]
      .filter(([key]) => key.startsWith("llm_requests_total{"))
      .reduce((sum, [, value]) => sum + value, 0);
    expect(counted).toBe(total);
  }, 120_000);
});
