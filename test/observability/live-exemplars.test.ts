import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTracedStack, type TracedStack } from "../helpers/traced-stack.js";
import { type RunningPrometheus, startPrometheus } from "./prometheus-process.js";

interface ExemplarSeries {
  readonly seriesLabels: Record<string, string>;
  readonly exemplars: readonly { labels: Record<string, string>; value: string; timestamp: number }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** https://prometheus.io/docs/prometheus/latest/querying/api/#querying-exemplars */
async function queryExemplars(prometheus: RunningPrometheus, query: string): Promise<ExemplarSeries[]> {
  const now = Date.now() / 1000;
  const params = new URLSearchParams({ query, start: String(now - 600), end: String(now + 60) });
  const response = await fetch(`${prometheus.url}/api/v1/query_exemplars?${params}`);
  const body = (await response.json()) as { status: string; error?: string; data?: ExemplarSeries[] };
  expect(body.status, body.error).toBe("success");
  return body.data ?? [];
}

async function waitForExemplars(prometheus: RunningPrometheus, query: string): Promise<ExemplarSeries[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await queryExemplars(prometheus, query);
    if (found.length > 0 || Date.now() > deadline) return found;
    await sleep(250);
  }
}

describe("exemplars in a real Prometheus with exemplar storage, scraping a tracing proxy", () => {
  let traced: TracedStack;
  let prometheus: RunningPrometheus;
  let client: OpenAI;

  beforeAll(async () => {
    traced = await startTracedStack("http/protobuf");
    client = new OpenAI({ baseURL: `${traced.stack.proxyUrl}/v1`, apiKey: "sk-test", maxRetries: 0 });
    prometheus = await startPrometheus([new URL(traced.stack.proxyUrl).host], {
      flags: ["--enable-feature=exemplar-storage"],
    });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const up = await prometheus.query('up{job="llm-proxy"} == 1');
      if ((up.data?.result.length ?? 0) > 0) break;
      await sleep(250);
    }
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await traced?.close();
  });

  it("returns exemplars from /api/v1/query_exemplars whose trace ids are the exported spans'", async () => {
    const headers = { "x-simulator-tokens": "5" };
    await traced.traced(async () => {
      await client.chat.completions.create(
        { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] },
        { headers },
      );
      const stream = await client.chat.completions.create(
        { model: "gpt-4o", messages: [{ role: "user", content: "hello" }], stream: true },
        { headers },
      );
      for await (const _chunk of stream);
    }, 2);
    const latency = await waitForExemplars(prometheus, "llm_request_latency_seconds_bucket");
    const ttft = await waitForExemplars(prometheus, "llm_time_to_first_token_seconds_bucket");
    const spans = new Map(traced.receiver.spans().map((span) => [span.traceId, span]));
    const stored = [...latency, ...ttft].flatMap((series) =>
      series.exemplars.map((e) => ({
        series: series.seriesLabels,
        trace_id: e.labels.trace_id,
        span_id: e.labels.span_id,
      })),
    );
    expect(latency.map((s) => s.seriesLabels.model).sort()).toEqual(["gpt-4o", "gpt-4o-mini"]);
    expect(ttft.map((s) => s.seriesLabels.model)).toEqual(["gpt-4o"]);
    for (const exemplar of stored) {
      expect(spans.get(exemplar.trace_id ?? "none")?.spanId, JSON.stringify(exemplar)).toBe(exemplar.span_id);
    }
    const streamed = [...spans.values()].find((span) => span.name === "chat gpt-4o");
    expect(stored.filter((e) => e.trace_id === streamed?.traceId)).toHaveLength(2);
  });

  it("scrapes the proxy without error in OpenMetrics, the series under their usual names", async () => {
    const scrape = await prometheus.query('up{job="llm-proxy"}');
    expect(scrape.data?.result[0]?.value[1]).toBe("1");
    const requests = await prometheus.query('sum(llm_requests_total{endpoint="chat_completions"})');
    expect(Number(requests.data?.result[0]?.value[1])).toBeGreaterThanOrEqual(2);
  });
});
