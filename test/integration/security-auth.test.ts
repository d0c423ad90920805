import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics } from "../helpers/metrics.js";
import { chatBody, postJson, rawRequest } from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

const proxyKey = "pk-client-key-7f3a9c";
const ownKey = "sk-proxy-own-key-5d21e8";
const metricsToken = "metrics-token-91b4";

describe("with PROXY_API_KEYS set", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      env: { PROXY_API_KEYS: `other-key, ${proxyKey}`, OPENAI_API_KEY: ownKey, METRICS_TOKEN: metricsToken },
    });
  });

  afterAll(() => stack?.close());

  const scrape = async () => parseMetrics(await stack.metricsText());

  const refusals: Array<[string, Record<string, string>]> = [
    ["no key", {}],
    ["a wrong bearer key", { authorization: "Bearer pk-client-key-wrong" }],
    ["a prefix of the key", { authorization: `Bearer ${proxyKey.slice(0, -1)}` }],
    ["a wrong api-key", { "api-key": "nope" }],
    ["the key without Bearer", { authorization: proxyKey }],
  ];
  for (const [name, headers] of refusals) {
    it(`${name} answers 401 and the upstream never sees the request`, async () => {
      const before = await scrape();
      const requests = stack.simulator.stats.requests;
      const response = await postJson(stack.proxyUrl, "/v1/chat/completions", chatBody("Hi"), headers);
      expect(response.status).toBe(401);
      expect(JSON.parse(response.text).error).toMatchObject({
        type: "authentication_error",
        code: "invalid_api_key",
      });
      expect(stack.simulator.stats.requests).toBe(requests);
      // With client keys configured, a refused request counts under key="none".
      expect(
        deltas(before, await scrape()).get(
          'llm_errors_total{key="none",model="unknown",type="unauthorized"}',
        ),
      ).toBe(1);
    });
  }

  it("/ask and pass-through paths are guarded too", async () => {
    const requests = stack.simulator.stats.requests;
    expect((await postJson(stack.proxyUrl, "/ask", { messages: [] })).status).toBe(401);
    expect((await rawRequest(stack.proxyUrl, { path: "/v1/models" })).status).toBe(401);
    expect(stack.simulator.stats.requests).toBe(requests);
  });

  const accepted: Array<[string, Record<string, string>]> = [
    ["Authorization: Bearer <key>", { authorization: `Bearer ${proxyKey}` }],
    ["api-key: <key>", { "api-key": proxyKey }],
  ];
  for (const [name, headers] of accepted) {
    it(`${name} is accepted and the upstream gets the proxy's OPENAI_API_KEY, never the client's key`, async () => {
      const response = await postJson(stack.proxyUrl, "/v1/chat/completions", chatBody("Hi"), headers);
      expect(response.status).toBe(200);
      const seen = stack.simulator.stats.lastRequestHeaders ?? {};
      expect(seen.authorization).toBe(`Bearer ${ownKey}`);
      expect(seen["api-key"]).toBeUndefined();
      expect(JSON.stringify(seen)).not.toContain(proxyKey);
    });
  }

  it("METRICS_TOKEN guards /metrics: 401 without or with a wrong bearer, 200 with it", async () => {
    const scrapeWith = (headers: Record<string, string>) =>
      rawRequest(stack.proxyUrl, { path: "/metrics", headers });
    expect((await scrapeWith({})).status).toBe(401);
    expect((await scrapeWith({ authorization: "Bearer wrong" })).status).toBe(401);
    expect((await scrapeWith({ authorization: `Bearer ${metricsToken}x` })).status).toBe(401);
    expect((await scrapeWith({ authorization: `Bearer ${proxyKey}` })).status).toBe(401);
    const allowed = await scrapeWith({ authorization: `Bearer ${metricsToken}` });
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain("llm_requests_total");
  });
});

describe("without PROXY_API_KEYS", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { OPENAI_API_KEY: ownKey } });
  });

  afterAll(() => stack?.close());

  const lastHeaders = () => stack.simulator.stats.lastRequestHeaders ?? {};

  it("the client's Authorization passes through unchanged", async () => {
    const clientKey = "sk-client-own-3c9e";
    await postJson(stack.proxyUrl, "/v1/chat/completions", chatBody("Hi"), {
      authorization: `Bearer ${clientKey}`,
    });
    expect(lastHeaders().authorization).toBe(`Bearer ${clientKey}`);
  });

  it("a client's api-key passes through and OPENAI_API_KEY is not added next to it", async () => {
    await postJson(stack.proxyUrl, "/v1/chat/completions", chatBody("Hi"), { "api-key": "azure-style-key" });
    expect(lastHeaders()["api-key"]).toBe("azure-style-key");
    expect(lastHeaders().authorization).toBeUndefined();
  });

  it("OPENAI_API_KEY fills in only when the client sent none", async () => {
    await postJson(stack.proxyUrl, "/v1/chat/completions", chatBody("Hi"));
    expect(lastHeaders().authorization).toBe(`Bearer ${ownKey}`);
  });

  it("/metrics is open when METRICS_TOKEN is unset", async () => {
    expect((await rawRequest(stack.proxyUrl, { path: "/metrics" })).status).toBe(200);
  });
});
