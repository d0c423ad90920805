import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateCompletionTokens } from "../../src/usage/tokenizer.js";
import { deltas, parseMetrics, seriesValue } from "../helpers/metrics.js";
import { type Stack, startStack } from "../helpers/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const model = "gpt-4o-mini";
// The simulator bills ceil(characters / 4) per text plus 4 per message, a heuristic that holds for
// plain text of short common words; on such text it and the real tokenizer can be compared at all
// (longer words make o200k tokens longer than 4 characters, and the heuristic overcounts).
const messages = [
  {
    role: "user",
    content: "What is the best way to cut the cost of a big team that runs a lot of AI calls each day?",
  },
];

interface Metered {
  readonly prompt: number;
  readonly completion: number;
  readonly estimated: number;
  readonly requests: number;
}

/** Sends one chat request through the proxy and reads what it metered for it. */
async function meter(stream: boolean, faults?: string): Promise<Metered> {
  const before = parseMetrics(await stack.metricsText());
  const response = await fetch(`${stack.proxyUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(faults ? { "x-simulator-fault": faults } : {}) },
    body: JSON.stringify({ model, messages, stream }),
  });
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  const moved = deltas(before, parseMetrics(await stack.metricsText()));
  const labels = { model };
  return {
    prompt: seriesValue(moved, "llm_tokens_total", { ...labels, type: "prompt" }),
    completion: seriesValue(moved, "llm_tokens_total", { ...labels, type: "completion" }),
    estimated: seriesValue(moved, "llm_usage_estimated_total", labels),
    requests: seriesValue(moved, "llm_requests_total", {
      ...labels,
      endpoint: "chat_completions",
      stream: String(stream),
      code: "200",
    }),
  };
}

const within10Percent = (estimate: number, reported: number) =>
  expect(Math.abs(estimate - reported), `${estimate} vs ${reported}`).toBeLessThanOrEqual(0.1 * reported);

// The simulator answers the same body with the same text, so the call without the fault says what
// it would have billed for the call with it.
describe.each([false, true])("stream=%s, upstream without usage (x-simulator-fault: no_usage)", (stream) => {
  it("is estimated with the tokenizer within 10% of the usage the upstream reports otherwise", async () => {
    const reported = await meter(stream);
    expect(reported.estimated).toBe(0);
    expect(reported.prompt).toBeGreaterThan(0);
    expect(reported.completion).toBeGreaterThan(0);
    const estimated = await meter(stream, "no_usage");
    expect(estimated.requests).toBe(1);
    expect(estimated.estimated).toBe(1);
    within10Percent(estimated.prompt, reported.prompt);
    within10Percent(estimated.completion, reported.completion);
  });
});

describe("a long stream from an upstream that ignores include_usage", () => {
  it("is counted as it passes, keeping a bounded tail, to the count of its whole text", async () => {
    const before = parseMetrics(await stack.metricsText());
    const response = await fetch(`${stack.proxyUrl}/v1/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-simulator-fault": "no_usage",
        "x-simulator-tokens": "20000",
      },
      body: JSON.stringify({ model, messages, stream: true }),
    });
    const text = (await response.text())
      .split("\n\n")
      .filter((event) => event.startsWith("data: {"))
      .map((event) => JSON.parse(event.slice("data: ".length)).choices[0]?.delta?.content ?? "")
      .join("");
    // Long enough that the proxy counted it in several blocks rather than keeping it whole.
    expect(text.length).toBeGreaterThan(4 * 16 * 1024);
    const moved = deltas(before, parseMetrics(await stack.metricsText()));
    expect(seriesValue(moved, "llm_usage_estimated_total", { model })).toBe(1);
    expect(seriesValue(moved, "llm_tokens_total", { model, type: "completion" })).toBe(
      estimateCompletionTokens(model, text),
    );
  });
});
