import { spawnSync } from "node:child_process";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReceivedSpan } from "../helpers/otlp-spans.js";
import { startTracedStack, type TracedStack } from "../helpers/traced-stack.js";

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const parentId = "00f067aa0ba902b7";
const prometheusAccept =
  "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

interface Exemplar {
  readonly sample: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly value: number;
}

/** The exemplars of an OpenMetrics exposition: `sample{...} n # {trace_id="…",span_id="…"} v ts`. */
function exemplarsOf(text: string): Exemplar[] {
  return text.split("\n").flatMap((line) => {
    const match = /^(\S+) \S+ # \{trace_id="(\w+)",span_id="(\w+)"\} (\S+) \S+$/.exec(line);
    if (match === null) return [];
    return [
      {
        sample: match[1] as string,
        traceId: match[2] as string,
        spanId: match[3] as string,
        value: Number(match[4]),
      },
    ];
  });
}

let traced: TracedStack;
let client: OpenAI;
beforeAll(async () => {
  traced = await startTracedStack("http/protobuf");
  client = new OpenAI({ baseURL: `${traced.stack.proxyUrl}/v1`, apiKey: "sk-test", maxRetries: 0 });
});
afterAll(() => traced?.close());

const chat = (headers: Record<string, string> = {}) =>
  client.chat.completions.create(
    { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] },
    { headers: { "x-simulator-tokens": "5", ...headers } },
  );

const upstreamSaw = () => traced.stack.simulator.stats.lastRequestHeaders ?? {};

describe("W3C trace context", () => {
  it("an incoming traceparent makes the span its child, and the upstream gets the proxy span's", async () => {
    const t = await traced.traced(() =>
      chat({ traceparent: `00-${traceId}-${parentId}-01`, tracestate: "vendor=a,other=b" }),
    );
    const [span] = t.spans as [ReceivedSpan];
    expect(t.spans).toHaveLength(1);
    expect(span).toMatchObject({ traceId, parentSpanId: parentId, traceState: "vendor=a,other=b" });
    expect(span.spanId).not.toBe(parentId);
    expect(upstreamSaw().traceparent).toBe(`00-${traceId}-${span.spanId}-01`);
    expect(upstreamSaw().tracestate).toBe("vendor=a,other=b");
  });

  it("without one, the span is a root and the upstream joins its trace", async () => {
    const t = await traced.traced(() => chat());
    const [span] = t.spans as [ReceivedSpan];
    expect(span.parentSpanId).toBe("");
    expect(span.traceId).not.toBe(traceId);
    expect(upstreamSaw().traceparent).toBe(`00-${span.traceId}-${span.spanId}-01`);
    expect(upstreamSaw().tracestate).toBeUndefined();
  });

  it("a parent that was not sampled: nothing is exported, the decision travels on", async () => {
    const unsampled = "5bf92f3577b34da6a3ce929d0e0e4736";
    const t = await traced.traced(() => chat({ traceparent: `00-${unsampled}-${parentId}-00` }), 0);
    expect(t.spans).toEqual([]);
    expect(upstreamSaw().traceparent).toMatch(new RegExp(`^00-${unsampled}-[0-9a-f]{16}-00$`));
    expect(upstreamSaw().traceparent).not.toContain(parentId);
    const metrics = await fetch(`${traced.stack.proxyUrl}/metrics`, {
      headers: { accept: prometheusAccept },
    });
    expect(await metrics.text()).not.toContain(unsampled);
  });

  it("a malformed traceparent is ignored: the span is a root", async () => {
    const t = await traced.traced(() => chat({ traceparent: "00-not-a-trace-01" }));
    expect((t.spans[0] as ReceivedSpan).parentSpanId).toBe("");
  });
});

describe("exemplars", () => {
  it("an OpenMetrics scrape carries exemplars whose ids are those of the exported spans", async () => {
    const plain = await traced.traced(() => chat());
    const streamed = await traced.traced(async () => {
      const stream = await client.chat.completions.create(
        { model: "gpt-4.1-mini", messages: [{ role: "user", content: "hello" }], stream: true },
        { headers: { "x-simulator-tokens": "5" } },
      );
      for await (const _chunk of stream);
    });
    const response = await fetch(`${traced.stack.proxyUrl}/metrics`, {
      headers: { accept: prometheusAccept },
    });
    expect(response.headers.get("content-type")).toBe(
      "application/openmetrics-text; version=1.0.0; charset=utf-8",
    );
    const text = await response.text();
    expect(text.endsWith("# EOF\n")).toBe(true);
    const exemplars = exemplarsOf(text);
    const exported = new Map(traced.receiver.spans().map((s) => [s.spanId, s]));
    expect(exemplars.length).toBeGreaterThan(0);
    for (const exemplar of exemplars) expect(exported.get(exemplar.spanId)?.traceId).toBe(exemplar.traceId);

    const [plainSpan] = plain.spans as [ReceivedSpan];
    const latency = exemplars.filter((e) => e.spanId === plainSpan.spanId);
    expect(latency.map((e) => e.sample)).toEqual([
      expect.stringMatching(
        /^llm_request_latency_seconds_bucket\{le="[^"]+",model="gpt-4o-mini",endpoint="chat_completions",stream="false"\}$/,
      ),
    ]);
    const [streamSpan] = streamed.spans as [ReceivedSpan];
    const streamSamples = exemplars.filter((e) => e.spanId === streamSpan.spanId).map((e) => e.sample);
    expect(streamSamples).toEqual([
      expect.stringMatching(
        /^llm_request_latency_seconds_bucket\{.*model="gpt-4\.1-mini",endpoint="chat_completions",stream="true"\}$/,
      ),
      expect.stringMatching(/^llm_time_to_first_token_seconds_bucket\{le="[^"]+",model="gpt-4\.1-mini"\}$/),
    ]);
    const ttft = exemplars.find(
      (e) => e.sample.startsWith("llm_time_to_first_token") && e.spanId === streamSpan.spanId,
    );
    expect(ttft?.value).toBe(streamSpan.attributes["llm_proxy.time_to_first_token"]);
  });

  it("the text format stays free of exemplars and promtool still accepts it", async () => {
    const response = await fetch(`${traced.stack.proxyUrl}/metrics`);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    expect(text).toContain("# TYPE llm_requests_total counter\n");
    expect(text).toContain("llm_request_latency_seconds_bucket{");
    expect(text).not.toContain("trace_id");
    const llmOnly = text
      .split("\n\n")
      .filter((block) => block.includes("# TYPE llm_"))
      .join("\n\n");
    const promtool = spawnSync("promtool", ["check", "metrics"], { input: `${llmOnly}\n`, encoding: "utf8" });
    expect(promtool.status, promtool.stdout + promtool.stderr).toBe(0);
  });
});
