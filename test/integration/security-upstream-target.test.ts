import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
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
  ];
  for (const path of climbing) {
    it(`${path} is refused with 404 before reaching the upstream`, async () => {
      const requests = stack.simulator.stats.requests;
      const response = await send(path, {}, "GET");
      expect(response.status).toBe(404);
      expect(JSON.parse(response.text).error.code).toBe("not_found");
      expect(stack.simulator.stats.requests).toBe(requests);
    });
  }

  it("a double slash after /v1 stays a path on the configured origin", async () => {
    const response = await send(`/v1//${evilHost}/v1/models`, {}, "GET");
    expect(response.status).toBe(404);
    expect(evil.stats.requests).toBe(0);
  });
});
