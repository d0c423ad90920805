import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { parseMetrics } from "../helpers/metrics.js";
import { childPids, ensureBuilt, type ProxyProcess, send, spawnProxy } from "./proxy-process.js";

const requestCount = 24;
const isListening = (line: Record<string, unknown>) => line.msg === "llm-proxy listening";

function chatBody(i: number): string {
  return JSON.stringify({
    model: "gpt-4o-mini",
    stream: i % 3 === 0,
    messages: [{ role: "user", content: `hi ${i}` }],
  });
}

/** llm_requests_total summed over every series in one scrape. */
async function requestsTotal(url: string): Promise<number> {
  const { status, text } = await send(url, "GET", "/metrics");
  expect(status).toBe(200);
  let sum = 0;
  for (const [key, value] of parseMetrics(text)) if (key.startsWith("llm_requests_total{")) sum += value;
  return sum;
}

describe("WORKERS=2: node:cluster workers on one port", () => {
  let simulator: Simulator;
  let proxy: ProxyProcess;
  let url: string;

  beforeAll(async () => {
    ensureBuilt();
    simulator = await startSimulator();
    proxy = spawnProxy({
      WORKERS: "2",
      APP_PORT: "0",
      OPENAI_BASE_URL: simulator.url,
      SHUTDOWN_GRACE_SECONDS: "5",
    });
    const listening = await proxy.waitFor(isListening, 2);
    url = String(listening.url);
  }, 120_000);

  afterAll(async () => {
    proxy?.child.kill("SIGKILL");
    await simulator?.close();
  });

  it("both workers listen on the same port", () => {
    const urls = proxy.lines.filter(isListening).map((line) => line.url);
    expect(new Set(urls)).toEqual(new Set([url]));
  });

  it("every worker's GET /metrics shows the whole group's count", async () => {
    for (let i = 0; i < requestCount; i++) {
      const { status } = await send(url, "POST", "/v1/chat/completions", chatBody(i));
      expect(status).toBe(200);
    }
    const totals: number[] = [];
    for (let i = 0; i < 6; i++) totals.push(await requestsTotal(url));
    expect(totals).toEqual(Array(6).fill(requestCount));
  });

  it("restarts a worker that dies unexpectedly", async () => {
    const [victim] = childPids(proxy.child.pid ?? 0);
    process.kill(victim ?? 0, "SIGKILL");
    await proxy.waitFor((line) => line.msg === "worker died unexpectedly; starting a replacement");
    await proxy.waitFor(isListening, 3);
    expect(childPids(proxy.child.pid ?? 0)).toHaveLength(2);
    const { status } = await send(url, "POST", "/v1/chat/completions", chatBody(1));
    expect(status).toBe(200);
    // The dead worker's share is gone (a counter reset, which rate() handles): proof both workers served.
    const total = await requestsTotal(url);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(requestCount + 1);
  });

  it("SIGTERM to the primary drains the workers and exits 0", async () => {
    const workers = childPids(proxy.child.pid ?? 0);
    proxy.child.kill("SIGTERM");
    expect(await proxy.exited()).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});
