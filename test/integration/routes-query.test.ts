import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics } from "../helpers/metrics.js";
import { chatBody, jsonHeaders, type RawOptions, rawRequest } from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

const clientKey = "pk-routes-key-42";
const withKey = { ...jsonHeaders, authorization: `Bearer ${clientKey}` };
// Azure OpenAI's v1 API asks for it; any query must reach the upstream as the client sent it.
const query = "?api-version=preview&x=a%2Fb";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { PROXY_API_KEYS: clientKey } });
});
afterAll(() => stack?.close());

/**
 * What a request counted: every llm_* series that moved, except the ones that hold timings (bucket
 * placement and sums vary run to run) and the rate-limit gauges (the simulator's window moves on).
 */
async function counted(send: () => Promise<unknown>): Promise<Map<string, number>> {
  const before = parseMetrics(await stack.metricsText());
  await send();
  const moved = deltas(before, parseMetrics(await stack.metricsText()));
  for (const key of moved.keys()) {
    const timing = /_bucket\{|_sum\{/.test(key);
    if (!key.startsWith("llm_") || timing || key.startsWith("llm_ratelimit_")) moved.delete(key);
    // A delta of a running float sum carries the sum's rounding: 9e-6 reads 8.999999999999999e-6.
    else moved.set(key, Number((moved.get(key) as number).toPrecision(12)));
  }
  return moved;
}

const post = (path: string, body: unknown, headers: Record<string, string> = withKey): RawOptions => ({
  method: "POST",
  path,
  headers,
  body: typeof body === "string" ? body : JSON.stringify(body),
});

const cases: Array<[string, RawOptions]> = [
  ["chat", post("/v1/chat/completions", chatBody("Hi"))],
  ["chat streamed", post("/v1/chat/completions", chatBody("Hi", { stream: true }))],
  ["completions", post("/v1/completions", { model: "gpt-3.5-turbo-instruct", prompt: "Hi" })],
  ["responses", post("/v1/responses", { model: "gpt-4o-mini", input: "Hi" })],
  ["embeddings", post("/v1/embeddings", { model: "text-embedding-3-small", input: "Hi" })],
  ["ask", post("/ask", { messages: [{ role: "user", content: "Hi" }] })],
  ["pass-through", { path: "/v1/models", headers: withKey }],
  ["GET on a metered path (pass-through)", { path: "/v1/chat/completions", headers: withKey }],
  ["400 invalid JSON", post("/v1/chat/completions", "{")],
  ["401 metered", post("/v1/chat/completions", chatBody("Hi"), jsonHeaders)],
  ["401 ask", post("/ask", { messages: [] }, jsonHeaders)],
  ["401 pass-through", { path: "/v1/models" }],
  ["404", { path: "/nowhere", headers: withKey }],
  ["405 ask", { path: "/ask", headers: withKey }],
  ["405 metrics", post("/metrics", "")],
  ["healthz", { path: "/healthz" }],
];

describe("a query string changes nothing but the upstream URL", () => {
  for (const [name, options] of cases) {
    it(`${name}: same status, same answer, same metrics with and without a query`, async () => {
      const plain: { status?: number; code?: unknown } = {};
      const plainCounted = await counted(async () => {
        const response = await rawRequest(stack.proxyUrl, options);
        plain.status = response.status;
        plain.code = response.status >= 400 ? JSON.parse(response.text).error.code : undefined;
      });
      const upstreamUrl = stack.simulator.stats.lastRequestUrl;
      const withQuery: { status?: number; code?: unknown } = {};
      const queryCounted = await counted(async () => {
        const response = await rawRequest(stack.proxyUrl, { ...options, path: options.path + query });
        withQuery.status = response.status;
        withQuery.code = response.status >= 400 ? JSON.parse(response.text).error.code : undefined;
      });
      expect(withQuery).toEqual(plain);
      expect(queryCounted).toEqual(plainCounted);
      const countedOnce = [...plainCounted].filter(([key]) => key.startsWith("llm_requests_total{"));
      // Probes are not proxy traffic; everything else is counted once, so the comparison above is not empty.
      expect(countedOnce.map(([, delta]) => delta)).toEqual(name === "healthz" ? [] : [1]);
      if (plain.status !== undefined && plain.status < 400 && name !== "healthz") {
        expect(stack.simulator.stats.lastRequestUrl).toBe(`${upstreamUrl}${query}`);
      }
    });
  }
});

describe("the OpenAI SDK's defaultQuery reaches the upstream as it does directly", () => {
  const calls: Array<[string, (client: OpenAI) => Promise<unknown>]> = [
    ["chat", (c) => c.chat.completions.create(chatBody("Hi") as never)],
    [
      "chat streamed",
      async (c) => {
        const stream = await c.chat.completions.create({ ...chatBody("Hi"), stream: true } as never);
        for await (const _chunk of stream as unknown as AsyncIterable<unknown>) {
          // drained: the upstream URL is known once the request went out
        }
      },
    ],
    ["completions", (c) => c.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Hi" })],
    ["responses", (c) => c.responses.create({ model: "gpt-4o-mini", input: "Hi" })],
    ["embeddings", (c) => c.embeddings.create({ model: "text-embedding-3-small", input: "Hi" })],
    ["models (pass-through)", (c) => c.models.list()],
  ];
  const sdk = (baseURL: string) =>
    new OpenAI({ baseURL, apiKey: clientKey, maxRetries: 0, defaultQuery: { "api-version": "preview" } });

  for (const [name, call] of calls) {
    it(name, async () => {
      await call(sdk(stack.simulatorUrl));
      const direct = stack.simulator.stats.lastRequestUrl;
      expect(direct).toMatch(/\?api-version=preview$/);
      await call(sdk(`${stack.proxyUrl}/v1`));
      expect(stack.simulator.stats.lastRequestUrl).toBe(direct);
    });
  }
});
