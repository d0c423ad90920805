import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../helpers/stack.js";
import { loadDashboard, panelQueries, substituteVariables, variableValues } from "./dashboard-model.js";
import { loadRules } from "./known-metrics.js";
import { type QueryResult, type RunningPrometheus, startPrometheus } from "./prometheus-process.js";
import { repoRoot } from "./tools.js";

const chatModels = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-5-nano"];
const queries = panelQueries(loadDashboard());
const records = loadRules().flatMap((rule) => (rule.record === undefined ? [] : [rule.record]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Headers = Record<string, string>;

async function post(base: string, path: string, body: object, fault?: string, caller: Headers = {}) {
  const response = await fetch(`${base}/v1${path}`, {
    method: "POST",
    headers: {
      authorization: "Bearer sk-live-test",
      "content-type": "application/json",
      ...(fault === undefined ? {} : { "x-simulator-fault": fault }),
      ...caller,
    },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Every endpoint and outcome the dashboard shows: plain and streamed chat, 429s, embeddings, responses. */
async function sendTraffic(base: string, caller: Headers = {}): Promise<number[]> {
  const messages = [{ role: "user", content: "Say something about histograms." }];
  const send = (path: string, body: object, fault?: string) => post(base, path, body, fault, caller);
  return Promise.all([
    ...chatModels.flatMap((model) => [
      send("/chat/completions", { model, messages }),
      send("/chat/completions", {
        model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      }),
      send("/responses", { model, input: "Name three quantiles." }),
      send("/chat/completions", { model, messages }, "rate_limit"),
    ]),
    send("/embeddings", { model: "text-embedding-3-small", input: "observability" }),
  ]);
}

// The second proxy has named keys with budgets and a declared `team` label: scraped beside the plain
// one as another replica, so every panel and rule is shown to work with and without attribution.
const keysDir = mkdtempSync(join(tmpdir(), "live-keys-"));
const keysFile = join(keysDir, "keys.json");
const callers: Headers[] = [
  { authorization: "Bearer sk-live-search", "x-llm-team": "retrieval" },
  { authorization: "Bearer sk-live-batch", "x-llm-team": "ranking" },
];
const groupByValues = ["model", "key", "team"];

async function startAttributedStack(): Promise<Stack> {
  const keys = [
    // A day's budget the traffic below overspends, and a month's it does not.
    { name: "search", key: "sk-live-search", budgetUsd: 0.0001, budgetPeriod: "day" },
    { name: "batch", key: "sk-live-batch", budgetUsd: 1000 },
  ];
  writeFileSync(keysFile, JSON.stringify(keys));
  return startStack({ env: { PROXY_API_KEYS_FILE: keysFile, ATTRIBUTION_LABELS: "team" } });
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
  let attributed: Stack | undefined;
  let prometheus: RunningPrometheus | undefined;
  let trafficLoop: { code: number | null; output: string } = { code: null, output: "" };
  const statuses: number[] = [];

  const trafficRound = async () => {
    const rounds = [
      sendTraffic(stack?.proxyUrl ?? ""),
      ...callers.map((c) => sendTraffic(attributed?.proxyUrl ?? "", c)),
    ];
    statuses.push(...(await Promise.all(rounds)).flat());
  };

  beforeAll(async () => {
    [stack, attributed] = await Promise.all([startStack(), startAttributedStack()]);
    prometheus = await startPrometheus([stack, attributed].map((each) => new URL(each.proxyUrl).host));
    // Prometheus applies discovered targets only every 5s, so the first scrape comes late; traffic
    // sent before it would land in a single sample, and rate() needs two.
    await waitUntil(prometheus, ['up{job="llm-proxy"}'], 20_000);
    const loop = runTrafficLoop(stack.proxyUrl, 4000);
    await trafficRound();
    await sleep(2000);
    await trafficRound();
    trafficLoop = await loop;
    // Scrapes and rule evaluations run every second; wait until every record has a value (or give up
    // and let the tests below name the ones that have none).
    await waitUntil(prometheus, records, 20_000);
    // A counter's first scrape is its baseline: spend is only an increase over it. One more round, now
    // that every series has one, then until the recorded day's spend of `search` passes its budget.
    statuses.push(
      ...(await Promise.all(callers.map((c) => sendTraffic(attributed?.proxyUrl ?? "", c)))).flat(),
    );
    await waitUntil(prometheus, ['key_period:llm_budget_spent:ratio{key="search"} > 1'], 20_000);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stack?.close();
    await attributed?.close();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it("sent successes and 429s through the proxy", () => {
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
  });

  it("ran the demo traffic loop against the proxy until SIGTERM", () => {
    expect(trafficLoop.output).toMatch(/traffic: stopped after \d+ requests/);
    expect(trafficLoop.code, trafficLoop.output).toBe(0);
  });

  it("scrapes both proxies as replicas of job llm-proxy", async () => {
    const result = await prometheus?.query('up{job="llm-proxy"} == 1');
    expect(result?.data?.result.length).toBe(2);
  });

  it("fills group_by from the label names of llm_cost_usd_total, through the variable's regex", async () => {
    const variable = loadDashboard().templating.list.find((each) => each.name === "group_by");
    const regex = new RegExp(String(variable?.regex).replace(/^\/|\/$/g, ""));
    const names = (await prometheus?.labelNames("llm_cost_usd_total")) ?? [];
    expect(names.filter((name) => regex.test(name)).sort()).toEqual([...groupByValues].sort());
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

  const byCaller = queries.filter((q) => q.expr.includes("$group_by"));
  it.each(
    byCaller.flatMap((q) => groupByValues.map((by) => [`${q.panel} (${q.refId})`, by, q.expr] as const)),
  )("panel %s returns data grouped by %s", async (_name, by, expr) => {
    const result = await prometheus?.query(substituteVariables(expr, { ...variableValues, group_by: by }));
    expect(result?.status, result?.error).toBe("success");
    const series = result?.data?.result ?? [];
    expect(
      series.some((each) => each.metric[by] !== undefined && each.metric[by] !== ""),
      expr,
    ).toBe(true);
  });

  it("shows the overspent day budget over 100% and the month's under it", async () => {
    const result = await prometheus?.query("key_period:llm_budget_spent:ratio");
    const ratios = new Map(
      (result?.data?.result ?? []).map((each) => [each.metric.key, Number(each.value[1])]),
    );
    expect(ratios.get("search")).toBeGreaterThan(1);
    expect(ratios.get("batch")).toBeLessThan(0.8);
  });

  it.each(records)("recording rule %s returns data", async (record) => {
    const result = await prometheus?.query(record);
    expect(result?.status, result?.error).toBe("success");
    expect(hasData(result ?? { status: "missing" })).toBe(true);
  });
});
