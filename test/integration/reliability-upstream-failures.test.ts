import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics } from "../helpers/metrics.js";
import { chatBody, postJson, type RawResponse, rawRequest } from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { OPENAI_TIMEOUT: "0.2", OPENAI_API_KEY: "sk-proxy-own-key-0001" } });
});

afterAll(() => stack?.close());

const scrape = async (s: Stack = stack) => parseMetrics(await s.metricsText());
const fault = (value: string) => ({ "x-simulator-fault": value });
const streamed = chatBody("Hello", { stream: true });

/** A port that was just free: connecting to it is refused. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function expectProxyError(response: RawResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers["content-type"]).toBe("application/json");
  const { error } = JSON.parse(response.text) as { error: Record<string, unknown> };
  expect(error).toMatchObject({ type: "proxy_error", code });
  expect(typeof error.message).toBe("string");
  // The cause is named for the client, without undici's internals, addresses or the proxy's key.
  expect(response.text).not.toMatch(/UND_ERR|ECONN|127\.0\.0\.1|sk-proxy|at .*\.js/);
}

describe("an upstream that fails before answering", () => {
  it("unreachable (a closed port) answers 502 and counts a connection error", async () => {
    const port = await closedPort();
    const down = await startStack({
      upstreamUrl: `http://127.0.0.1:${port}/v1`,
      env: { OPENAI_API_KEY: "sk-proxy-own-key-0001" },
    });
    try {
      const before = await scrape(down);
      const response = await postJson(down.proxyUrl, "/v1/chat/completions", chatBody("Hi"));
      expectProxyError(response, 502, "upstream_unreachable");
      const changed = deltas(before, await scrape(down));
      expect(changed.get('llm_errors_total{model="gpt-4o-mini",type="connection"}')).toBe(1);
      expect(
        changed.get(
          'llm_requests_total{code="502",endpoint="chat_completions",model="gpt-4o-mini",stream="false"}',
        ),
      ).toBe(1);
    } finally {
      await down.close();
    }
  });

  it("with no headers within OPENAI_TIMEOUT answers 504, counts a timeout and closes the upstream request", async () => {
    const before = await scrape();
    const aborts = stack.simulator.stats.clientAborts;
    const response = await postJson(
      stack.proxyUrl,
      "/v1/chat/completions",
      streamed,
      fault("slow_headers:5000"),
    );
    expectProxyError(response, 504, "upstream_timeout");
    expect(JSON.parse(response.text).error.message).toMatch(/OPENAI_TIMEOUT/);
    const changed = deltas(before, await scrape());
    expect(changed.get('llm_errors_total{model="gpt-4o-mini",type="timeout"}')).toBe(1);
    expect(stack.simulator.stats.clientAborts).toBeGreaterThan(aborts);
  });
});

describe("a stream that breaks after it started", () => {
  for (const name of ["drop", "stall"]) {
    it(`${name}: the client's connection ends without an invented [DONE], counted stream_interrupted`, async () => {
      const before = await scrape();
      const response = await postJson(stack.proxyUrl, "/v1/chat/completions", streamed, fault(name));
      expect(response.status).toBe(200);
      expect(response.text).toContain('"role":"assistant"');
      expect(response.text).not.toContain("[DONE]");
      expect(response.complete).toBe(false);
      const changed = deltas(before, await scrape());
      expect(changed.get('llm_errors_total{model="gpt-4o-mini",type="stream_interrupted"}')).toBe(1);
      expect(
        changed.get(
          'llm_requests_total{code="200",endpoint="chat_completions",model="gpt-4o-mini",stream="true"}',
        ),
      ).toBe(1);
    });
  }
});

/** The simulator's own answer to the same request, for a byte-for-byte comparison. */
function direct(body: unknown, headers: Record<string, string>): Promise<RawResponse> {
  const url = new URL(stack.simulatorUrl);
  return postJson(url.origin, "/v1/chat/completions", body, headers);
}

describe("upstream error statuses", () => {
  const cases = [
    { faultName: "server_error", status: 500, type: "upstream_5xx" },
    { faultName: "rate_limit", status: 429, type: "rate_limit" },
    { faultName: "insufficient_quota", status: 429, type: "rate_limit" },
  ];
  for (const { faultName, status, type } of cases) {
    it(`${faultName} passes through unchanged (status ${status} and body bytes), counted ${type}`, async () => {
      const before = await scrape();
      const proxied = await postJson(stack.proxyUrl, "/v1/chat/completions", streamed, fault(faultName));
      const expected = await direct(streamed, fault(faultName));
      expect(proxied.status).toBe(status);
      expect(proxied.body.equals(expected.body)).toBe(true);
      expect(proxied.headers["content-length"]).toBe(String(expected.body.length));
      const changed = deltas(before, await scrape());
      expect(changed.get(`llm_errors_total{model="gpt-4o-mini",type="${type}"}`)).toBe(1);
    });
  }

  it("an upstream 400 passes through unchanged, counted upstream_4xx", async () => {
    const before = await scrape();
    const body = { model: "gpt-4o-mini", messages: [] };
    const proxied = await postJson(stack.proxyUrl, "/v1/chat/completions", body);
    const expected = await direct(body, {});
    expect(proxied.status).toBe(400);
    expect(proxied.text).toBe(expected.text);
    const changed = deltas(before, await scrape());
    expect(changed.get('llm_errors_total{model="gpt-4o-mini",type="upstream_4xx"}')).toBe(1);
  });

  it("a non-streamed pass-through of GET /v1/models keeps its status and bytes", async () => {
    const proxied = await rawRequest(stack.proxyUrl, { path: "/v1/models/no-such-model" });
    const expected = await rawRequest(new URL(stack.simulatorUrl).origin, {
      path: "/v1/models/no-such-model",
    });
    expect(proxied.status).toBe(expected.status);
    expect(proxied.text).toBe(expected.text);
  });
});
