import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../helpers/stack.js";
import { loadDashboard, panelQueries, substituteVariables } from "./dashboard-model.js";
import { loadRules } from "./known-metrics.js";
import { type QueryResult, type RunningPrometheus, startPrometheus } from "./prometheus-process.js";
import { repoRoot } from "./tools.js";

const chatModels = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-5-nano"];
const queries = panelQueries(loadDashboard());
const records = loadRules().flatMap((rule) => (rule.record === undefined ? [] : [rule.record]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function post(base: string, path: string, body: object, fault?: string): Promise<number> {
  const response = await fetch(`${base}/v1${path}`, {
    method: "POST",
    headers: {
      authorization: "Bearer sk-live-test",
      "content-type": "application/json",
      ...(fault === undefined ? {} : { "x-simulator-fault": fault }),
    },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Every endpoint and outcome the dashboard shows: plain and streamed chat, 429s, embeddings, responses. */
async function sendTraffic(base: string): Promise<number[]> {
  const messages = [{ role: "user", content: "Say something about histograms." }];
  return Promise.all([
    ...chatModels.flatMap((model) => [
      post(base, "/chat/completions", { model, messages }),
      post(base, "/chat/completions", {
        model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      }),
      post(base, "/responses", { model, input: "Name three quantiles." }),
      post(base, "/chat/completions", { model, messages }, "rate_limit"),
    ]),
    post(base, "/embeddings", { model: "text-embedding-3-small", input: "observability" }),
  ]);
}

/** The demo traffic generator as compose runs it (from source here), stopped the way compose stops it. */
async function runTrafficLoop(
  proxyUrl: string,
  ms: number,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/demo/traffic-loop.ts"], {
    cwd: repoRoot,
    env: { ...process.env, PROXY_URL: proxyUrl, TRAFFIC_RPS: "20" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await sleep(ms);
  child.kill("SIGTERM");
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output };
}

function hasData(result: QueryResult): boolean {
  const series = result.data?.result ?? [];
  return series.some(({ value }) => Number.isFinite(Number(value[1])));
}

/** Polls until every expression returns data, or the time is up (the tests then say which did not). */
async function waitUntil(prometheus: RunningPrometheus, exprs: readonly string[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const results = await Promise.all(exprs.map((expr) => prometheus.query(expr)));
    if (results.every(hasData)) return;
    await sleep(250);
  }
}

describe("dashboard and recording rules against a live Prometheus scraping the proxy", () => {
  let stack: Stack | undefined;
  let prometheus: RunningPrometheus | undefined;
  let trafficLoop: { code: number | null; output: string } = { code: null, output: "" };
  let statuses: number[] = [];

  beforeAll(async () => {
    stack = await startStack();
    prometheus = await startPrometheus([new URL(stack.proxyUrl).host]);
    // Prometheus applies discovered targets only every 5s, so the first scrape comes late; traffic
    // sent before it would land in a single sample, and rate() needs two.
    await waitUntil(prometheus, ['up{job="llm-proxy"}'], 20_000);
    const loop = runTrafficLoop(stack.proxyUrl, 4000);
    statuses = await sendTraffic(stack.proxyUrl);
    await sleep(2000);
    statuses.push(...(await sendTraffic(stack.proxyUrl)));
    trafficLoop = await loop;
    // Scrapes and rule evaluations run every second; wait until every record has a value (or give up
    // and let the tests below name the ones that have none).
    await waitUntil(prometheus, records, 20_000);
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stack?.close();
  });

  it("sent successes and 429s through the proxy", () => {
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
  });

  it("ran the demo traffic loop against the proxy until SIGTERM", () => {
    expect(trafficLoop.output).toMatch(/traffic: stopped after \d+ requests/);
    expect(trafficLoop.code, trafficLoop.output).toBe(0);
  });

  it("scrapes the proxy as job llm-proxy", async () => {
    const result = await prometheus?.query('up{job="llm-proxy"} == 1');
    expect(result?.data?.result.length).toBe(1);
  });

  it("fills the model variable from label_values(llm_requests_total, model)", async () => {
    const result = await prometheus?.query("count by (model) (llm_requests_total)");
    const models = (result?.data?.result ?? []).map((series) => series.metric.model);
    expect(models).toEqual(expect.arrayContaining(chatModels));
  });

  it.each(queries.map((q) => [`${q.panel} (${q.refId})`, q.expr] as const))(
    "panel %s returns data",
    async (_name, expr) => {
      const result = await prometheus?.query(substituteVariables(expr));
      expect(result?.status, result?.error).toBe("success");
      expect(hasData(result ?? { status: "missing" }), expr).toBe(true);
    },
  );

  it.each(records)("recording rule %s returns data", async (record) => {
    const result = await prometheus?.query(record);
    expect(result?.status, result?.error).toBe("success");
    expect(hasData(result ?? { status: "missing" })).toBe(true);
  });
});
