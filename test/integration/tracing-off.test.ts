import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OtlpReceiver, startOtlpReceiver } from "../helpers/otlp-receiver.js";
import { buildProxy, chatBody, postJson, spawnProxy } from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

const repoRoot = join(import.meta.dirname, "../..");
const prometheusAccept =
  "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/**
 * The @opentelemetry packages a built proxy loaded by the time it exited, after serving metered,
 * streamed and pass-through requests and an OpenMetrics-asking scrape. The API is left out: prom-client
 * loads it for its own process metrics.
 */
async function openTelemetryModulesLoaded(
  entry: string,
  upstream: string,
  env: Record<string, string>,
): Promise<string[]> {
  const proxy = spawnProxy(entry, {
    APP_PORT: "0",
    OPENAI_BASE_URL: upstream,
    NODE_OPTIONS: `--require ${join(repoRoot, "test/helpers/loaded-modules.cjs")}`,
    ...env,
  });
  const url = await proxy.listening;
  expect((await postJson(url, "/v1/chat/completions", chatBody("hello"))).status).toBe(200);
  expect((await postJson(url, "/v1/chat/completions", chatBody("hello", { stream: true }))).status).toBe(200);
  await fetch(`${url}/v1/models`).then((r) => r.arrayBuffer());
  await fetch(`${url}/metrics`, { headers: { accept: prometheusAccept } }).then((r) => r.text());
  proxy.child.kill("SIGTERM");
  expect(await proxy.exited).toBe(0);
  const modules = proxy.lines.find((line) => line.msg === "loaded modules")?.modules as string[];
  expect(modules.length).toBeGreaterThan(10);
  return modules
    .map((path) => /node_modules\/(@opentelemetry\/[^/]+)\//.exec(path)?.[1])
    .filter((name): name is string => name !== undefined && name !== "@opentelemetry/api");
}

describe("with tracing off", () => {
  let entry: string;
  let stack: Stack;
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    entry = buildProxy("tracing-off");
    stack = await startStack();
    receiver = await startOtlpReceiver();
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it("loads no OpenTelemetry SDK or exporter module; with an endpoint set, it loads them (the check works)", async () => {
    expect(await openTelemetryModulesLoaded(entry, stack.simulatorUrl, {})).toEqual([]);
    const on = new Set(
      await openTelemetryModulesLoaded(entry, stack.simulatorUrl, {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      }),
    );
    expect(on).toContain("@opentelemetry/sdk-trace-base");
    expect(on).toContain("@opentelemetry/exporter-trace-otlp-proto");
    // The protocol picks one exporter; the JSON one is not loaded for protobuf.
    expect(on).not.toContain("@opentelemetry/exporter-trace-otlp-http");
  });

  it("passes the client's traceparent and tracestate to the upstream untouched", async () => {
    const response = await fetch(`${stack.proxyUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: parent, tracestate: "vendor=a,other=b" },
      body: JSON.stringify(chatBody("hello")),
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const seen = stack.simulator.stats.lastRequestHeaders;
    expect(seen?.traceparent).toBe(parent);
    expect(seen?.tracestate).toBe("vendor=a,other=b");
  });

  it("answers the text format even to a scraper that asks for OpenMetrics", async () => {
    const response = await fetch(`${stack.proxyUrl}/metrics`, { headers: { accept: prometheusAccept } });
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    expect(text).toContain("# TYPE llm_requests_total counter\n");
    expect(text).not.toContain("# EOF");
  });
});
