import { Counter, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createMetricsExposer, prefersOpenMetrics } from "../../src/metrics/exposition.js";
import { openMetricsContentType, renderOpenMetrics } from "../../src/metrics/openmetrics.js";
import { createMetrics } from "../../src/metrics/registry.js";

const traceId = "0af7651916cd43dd8448eb211c80319c";
const spanId = "b7ad6b7169203331";

// prom-client types exemplar labels as the metric's own label names; any names are allowed.
const exemplar = (labels: Record<string, string>) => labels;

/** The proxy's metrics with exemplars, a few observations in them, and default metrics off (they move). */
function recorded() {
  const metrics = createMetrics({ defaultMetrics: false, exemplars: true });
  const { definitions: d } = metrics;
  d.requests
    .labels({ model: "gpt-4o-mini", endpoint: "chat_completions", stream: "true", code: "200" })
    .inc();
  d.tokens.labels({ model: "gpt-4o-mini", type: "prompt" }).inc(12);
  d.latency.observe({
    labels: { model: "gpt-4o-mini", endpoint: "chat_completions", stream: "true" },
    value: 0.3,
    exemplarLabels: exemplar({ trace_id: traceId, span_id: spanId }),
  });
  d.ttft.observe({
    labels: { model: "gpt-4o-mini" },
    value: 0.07,
    exemplarLabels: exemplar({ trace_id: traceId }),
  });
  // An observation without a trace (an unsampled request) leaves no exemplar.
  d.latency.labels({ model: "gpt-4o-mini", endpoint: "embeddings", stream: "false" }).observe(0.05);
  return metrics;
}

describe("renderOpenMetrics", () => {
  it("writes counter families without _total and their samples with it, and ends with # EOF", async () => {
    const text = await renderOpenMetrics(recorded().registry);
    expect(text).toContain("# TYPE llm_requests counter\n");
    expect(text).toContain(
      'llm_requests_total{model="gpt-4o-mini",endpoint="chat_completions",stream="true",code="200"} 1\n',
    );
    expect(text).toContain('llm_tokens_total{model="gpt-4o-mini",type="prompt"} 12\n');
    expect(text).not.toMatch(/^# TYPE \w+_total /m);
    expect(text.endsWith("\n# EOF\n")).toBe(true);
  });

  it("puts each exemplar on the bucket its value fell in, with its timestamp in seconds", async () => {
    const before = Date.now() / 1000;
    const text = await renderOpenMetrics(recorded().registry);
    const line = text
      .split("\n")
      .find((l) => l.startsWith('llm_request_latency_seconds_bucket{le="0.32",model="gpt-4o-mini"'));
    const match = / # \{trace_id="(\w+)",span_id="(\w+)"\} ([\d.]+) ([\d.]+)$/.exec(line ?? "");
    expect(match?.slice(1, 4), line).toEqual([traceId, spanId, "0.3"]);
    expect(Number(match?.[4])).toBeGreaterThanOrEqual(Math.floor(before));
    const exemplars = text.split("\n").filter((l) => l.includes(" # {"));
    expect(exemplars).toHaveLength(2);
    expect(exemplars[1]).toMatch(
      /^llm_time_to_first_token_seconds_bucket\{le="0\.08",model="gpt-4o-mini"\} 1 # /,
    );
  });

  it("leaves the text format exactly as it was, before and after an OpenMetrics rendering", async () => {
    const withoutExemplars = createMetrics({ defaultMetrics: false });
    const { registry: plain } = recorded();
    const textBefore = await plain.metrics();
    await renderOpenMetrics(plain);
    await renderOpenMetrics(plain);
    expect(await plain.metrics()).toBe(textBefore);
    expect(textBefore).not.toContain("trace_id");
    expect(textBefore).toContain("# TYPE llm_requests_total counter\n");
    // Turning exemplars on changes nothing in the text format: the same names, types and help in order.
    const families = async (r: Registry) => (await r.metrics()).split("\n").filter((l) => l.startsWith("#"));
    expect(await families(withoutExemplars.registry)).toEqual(await families(recorded().registry));
  });

  it("escapes help text and label values as OpenMetrics says (backslash, quote, line feed)", async () => {
    const registry = new Registry();
    new Counter({
      name: "odd_total",
      help: 'A "quoted" help\\with a\nbreak',
      labelNames: ["v"],
      registers: [registry],
    })
      .labels({ v: 'a"b\\c\nd' })
      .inc(Number.NaN);
    const text = await renderOpenMetrics(registry);
    expect(text).toContain('# HELP odd A \\"quoted\\" help\\\\with a\\nbreak\n');
    expect(text).toContain('odd_total{v="a\\"b\\\\c\\nd"} NaN\n');
  });
});

describe("prefersOpenMetrics", () => {
  it("is true for the Accept headers Prometheus 2 and 3 send", () => {
    expect(
      prefersOpenMetrics(
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
      ),
    ).toBe(true);
    expect(
      prefersOpenMetrics(
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8,application/openmetrics-text;version=0.0.1;q=0.9,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.8,text/plain;version=0.0.4;q=0.7,*/*;q=0.6",
      ),
    ).toBe(true);
  });

  it("is false for browsers, curl, text-first scrapers and a refused OpenMetrics", () => {
    expect(prefersOpenMetrics(undefined)).toBe(false);
    expect(prefersOpenMetrics("*/*")).toBe(false);
    expect(prefersOpenMetrics("text/html,application/xhtml+xml,*/*;q=0.8")).toBe(false);
    expect(prefersOpenMetrics("text/plain;version=0.0.4,application/openmetrics-text;q=0.5")).toBe(false);
    expect(prefersOpenMetrics("application/openmetrics-text;q=0")).toBe(false);
  });
});

describe("createMetricsExposer", () => {
  const promAccept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";

  it("answers the text format to everyone while OpenMetrics is off", async () => {
    const { registry } = recorded();
    const expose = createMetricsExposer(registry, { openMetrics: false });
    const answer = await expose(promAccept);
    expect(answer).toEqual({ body: await registry.metrics(), contentType: registry.contentType });
  });

  it("answers OpenMetrics to a scraper that prefers it and text to the others, from the same metrics", async () => {
    const { registry } = recorded();
    const expose = createMetricsExposer(registry, { openMetrics: true });
    const open = await expose(promAccept);
    expect(open.contentType).toBe(openMetricsContentType);
    expect(open.body).toContain(`trace_id="${traceId}"`);
    const text = await expose("text/plain");
    expect(text).toEqual({ body: await registry.metrics(), contentType: registry.contentType });
  });
});
