import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { deltas, parseMetrics, seriesKey } from "../helpers/metrics.js";
import { chatBody, jsonHeaders, rawRequest } from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

let stack: Stack;
/** Where an attacker would like the proxy to send its key: it must never get a request. */
let evil: Simulator;
let evilHost: string;

beforeAll(async () => {
  evil = await startSimulator();
  evilHost = new URL(evil.url).host;
  stack = await startStack({ env: { OPENAI_API_KEY: "sk-proxy-own-key-77aa" } });
});

afterAll(async () => {
  await stack?.close();
  await evil?.close();
});

const body = JSON.stringify(chatBody("Hi"));

async function send(path: string, headers: Record<string, string> = {}, method = "POST") {
  return rawRequest(stack.proxyUrl, {
    method,
    path,
    headers: { ...jsonHeaders, ...headers },
    body: method === "GET" ? undefined : body,
  });
}

describe("a request cannot redirect the upstream", () => {
  it("an absolute-form target to another host still goes to OPENAI_BASE_URL", async () => {
    const requests = stack.simulator.stats.requests;
    const response = await send(`http://${evilHost}/v1/chat/completions`);
    expect(response.status).toBe(200);
    expect(stack.simulator.stats.requests).toBe(requests + 1);
    expect(evil.stats.requests).toBe(0);
  });

  it("an absolute-form target on a pass-through path is refused", async () => {
    const response = await send(`http://${evilHost}/v1/models`, {}, "GET");
    expect(response.status).toBe(404);
    expect(evil.stats.requests).toBe(0);
  });

  it("a Host header naming another host changes nothing upstream", async () => {
    const response = await send("/v1/chat/completions", { host: evilHost });
    expect(response.status).toBe(200);
    expect(evil.stats.requests).toBe(0);
    expect(stack.simulator.stats.lastRequestHeaders?.host).toBe(new URL(stack.simulatorUrl).host);
    const models = await send("/v1/models", { host: evilHost }, "GET");
    expect(models.status).toBe(200);
    expect(evil.stats.requests).toBe(0);
  });

  const climbing = [
    "/v1/../admin",
    "/v1/models/../../secret",
    "/v1/%2e%2e/admin",
    "/v1/%2E%2E/admin",
    "/v1/.%2e/admin",
    "/v1/./models",
    "/v1/models/..",
    "/v1/models/..?x=1",
    "/v1/..%2fadmin",
    "/v1/..%2Fadmin",
    "/v1/%2e%2e%2fadmin",
    "/v1/%2E%2e%2F..%2fadmin",
    "/v1/..%5cadmin",
    "/v1/..;/admin",
    "/v1/%252e%252e%252fadmin",
    "/v1/chat/completions/..%2f..%2fadmin",
    "/v1/embeddings/..;/..;/admin",
    "/ask/..%2f..%2fadmin",
  ];
  for (const path of climbing) {
    for (const method of ["GET", "POST"]) {
      it(`${method} ${path} is refused with 400 before reaching the upstream, counted once`, async () => {
        const requests = stack.simulator.stats.requests;
        const before = parseMetrics(await stack.metricsText());
        const response = await send(path, {}, method);
        expect(response.status).toBe(400);
        expect(JSON.parse(response.text).error).toMatchObject({
          code: "invalid_path",
          type: "invalid_request_error",
        });
        expect(stack.simulator.stats.requests).toBe(requests);
        const moved = deltas(before, parseMetrics(await stack.metricsText()));
        expect([...moved].filter(([key]) => key.startsWith("llm_requests_total{"))).toEqual([
          [
            seriesKey("llm_requests_total", {
              code: "400",
              endpoint: "other",
              model: "unknown",
              stream: "false",
            }),
            1,
          ],
        ]);
      });
    }
  }

  it("an encoded slash inside a segment (a model id with a slash) still goes upstream", async () => {
    const requests = stack.simulator.stats.requests;
    await send("/v1/models/meta-llama%2FLlama-3.1-8B", {}, "GET");
    expect(stack.simulator.stats.requests).toBe(requests + 1);
  });

  it("a double slash after /v1 stays a path on the configured origin", async () => {
    const response = await send(`/v1//${evilHost}/v1/models`, {}, "GET");
    expect(response.status).toBe(404);
    expect(evil.stats.requests).toBe(0);
  });
});
