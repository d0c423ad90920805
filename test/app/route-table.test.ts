import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppDeps, createApp, createRequestListener, createRoutes, type Route } from "../../src/app.js";
import { counterCallerLabels, createConfiguredAttributor } from "../../src/attribution/setup.js";
import { readAttribution } from "../../src/config/attribution-labels.js";
import { readClientKeys } from "../../src/config/client-keys.js";
import { createMetricsExposer } from "../../src/metrics/exposition.js";
import { createModelLabeler } from "../../src/metrics/model-labels.js";
import { createRecorder } from "../../src/metrics/recorder.js";
import { createMetrics } from "../../src/metrics/registry.js";
import { createClientAuth } from "../../src/proxy/client-auth.js";
import { createUpstream } from "../../src/proxy/upstream.js";
import { rawRequest } from "../helpers/raw-http.js";

const key = "pk-table";
const attribution = { clientKeys: readClientKeys({ PROXY_API_KEYS: key }), attribution: readAttribution({}) };
const metrics = createMetrics({ defaultMetrics: false, callerLabels: counterCallerLabels(attribution) });
const attributor = createConfiguredAttributor(attribution, metrics);
const upstream = createUpstream({
  upstreamBaseUrl: "http://127.0.0.1:9/v1",
  upstreamTimeoutMs: 1000,
  upstreamConnections: 1,
});
const deps: AppDeps = {
  upstream,
  recorder: createRecorder({
    definitions: metrics.definitions,
    labelModel: createModelLabeler({ isKnown: () => false, maxModelLabels: 5 }),
    pricer: { costOf: () => undefined },
    unattributed: attributor.unidentified,
  }),
  attributor,
  tracing: undefined,
  exposeMetrics: createMetricsExposer(metrics.registry, { openMetrics: false }),
  clientAuth: createClientAuth(attribution.clientKeys, undefined),
  metricsAllowed: () => true,
  estimator: undefined,
  maxBodyBytes: 1024,
  defaultModel: "gpt-4o-mini",
  isReady: () => true,
  onInternalError: (err) => {
    throw err;
  },
};

// The real table with each handler replaced by one that names its route, so an answer shows which ran.
const table: Route[] = createRoutes(deps).map((route) => ({
  ...route,
  handler: async (_req, res) => {
    res.end(`${route.method} ${route.path}`);
  },
}));

async function listen(listener: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let fastPath: { server: Server; url: string };
let honoOnly: { server: Server; url: string };
beforeAll(async () => {
  fastPath = await listen(createRequestListener(deps, table));
  const fetchListener = getRequestListener(createApp(deps, table).fetch, { overrideGlobalObjects: false });
  honoOnly = await listen((req, res) => void fetchListener(req, res));
});
afterAll(async () => {
  fastPath.server.close();
  honoOnly.server.close();
  await upstream.close();
});

const auth = { authorization: `Bearer ${key}` };
const requests: Array<[string, string, Record<string, string>]> = [];
for (const path of ["/v1/chat/completions", "/v1/completions", "/v1/responses", "/v1/embeddings", "/ask"]) {
  for (const target of [path, `${path}?api-version=preview`, `${path}?`]) {
    requests.push(["POST", target, auth], ["POST", target, {}], ["GET", target, auth], ["GET", target, {}]);
  }
}
for (const path of ["/healthz", "/readyz", "/metrics", "/healthz?probe=1"]) {
  requests.push(["GET", path, {}], ["HEAD", path, {}], ["POST", path, auth], ["DELETE", path, {}]);
}
for (const path of ["/v1/models", "/v1/models?limit=1", "/v1/files/f-1", "/v1", "/", "/nowhere?x=1"]) {
  requests.push(["GET", path, auth], ["DELETE", path, auth], ["GET", path, {}]);
}

const answer = async (base: string, method: string, path: string, headers: Record<string, string>) => {
  const response = await rawRequest(base, { method, path, headers });
  const error = response.status >= 400 ? JSON.parse(response.text).error.code : undefined;
  return { status: response.status, allow: response.headers.allow, body: error ?? response.text };
};

describe("one route table", () => {
  it("the fast path and Hono's routes, both generated from it, answer every request alike", async () => {
    for (const [method, path, headers] of requests) {
      const fast = await answer(fastPath.url, method, path, headers);
      const hono = await answer(honoOnly.url, method, path, headers);
      expect({ method, path, ...fast }).toEqual({ method, path, ...hono });
    }
  });

  it("a query string takes the same handler as the bare path", async () => {
    for (const [method, path] of [
      ["POST", "/v1/chat/completions"],
      ["POST", "/v1/embeddings"],
      ["POST", "/ask"],
      ["GET", "/v1/models"],
      ["GET", "/healthz"],
    ] as const) {
      const bare = await answer(fastPath.url, method, path, auth);
      expect(await answer(fastPath.url, method, `${path}?api-version=preview`, auth)).toEqual(bare);
      expect(bare.status).toBe(200);
    }
    expect((await answer(fastPath.url, "POST", "/v1/responses?x=1", auth)).body).toBe("POST /v1/responses");
    expect((await answer(fastPath.url, "GET", "/v1/responses?x=1", auth)).body).toBe("ALL /v1/*");
  });

  it("refuses once, around every handler: 401 without the key, 405 with Allow, 404 elsewhere", async () => {
    expect(await answer(fastPath.url, "POST", "/v1/chat/completions?x=1", {})).toMatchObject({
      status: 401,
      body: "invalid_api_key",
    });
    expect(await answer(fastPath.url, "GET", "/v1/models", {})).toMatchObject({ status: 401 });
    expect(await answer(fastPath.url, "GET", "/ask", {})).toMatchObject({ status: 401 });
    expect(await answer(fastPath.url, "GET", "/ask?x=1", auth)).toEqual({
      status: 405,
      allow: "POST",
      body: "method_not_allowed",
    });
    expect(await answer(fastPath.url, "POST", "/metrics", {})).toMatchObject({ status: 405, allow: "GET" });
    expect(await answer(fastPath.url, "GET", "/nowhere", auth)).toMatchObject({ status: 404 });
  });
});
