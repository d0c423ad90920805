import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics } from "../helpers/metrics.js";
import {
  jsonHeaders,
  type RawOptions,
  type RawResponse,
  rawRequest,
  readRaw,
  responseOf,
  startRaw,
  waitFor,
} from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

const maxBodyBytes = 4096;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { MAX_BODY_BYTES: String(maxBodyBytes) } });
});

afterAll(() => stack?.close());

const scrape = async () => parseMetrics(await stack.metricsText());

const requestCounts = (changed: Map<string, number>) =>
  [...changed].filter(([key]) => key.startsWith("llm_requests_total{"));

/**
 * Sends one bad request and checks what every refusal shares: an OpenAI-shaped error body, nothing sent
 * upstream, and exactly one llm_requests_total increment with the status as its code.
 */
async function refused(options: RawOptions, status: number, code: string): Promise<RawResponse> {
  const before = await scrape();
  const upstreamRequests = stack.simulator.stats.requests;
  const response = await rawRequest(stack.proxyUrl, options);
  expect(response.status).toBe(status);
  expect(response.headers["content-type"]).toBe("application/json");
  const { error } = JSON.parse(response.text) as { error: Record<string, unknown> };
  expect(error).toMatchObject({ code, type: "invalid_request_error" });
  expect(typeof error.message).toBe("string");
  expect(stack.simulator.stats.requests).toBe(upstreamRequests);
  expectCountedOnce(before, await scrape(), status);
  return response;
}

function expectCountedOnce(before: Map<string, number>, after: Map<string, number>, status: number): void {
  const counted = requestCounts(deltas(before, after));
  expect(counted).toHaveLength(1);
  expect(counted[0]?.[0]).toContain(`code="${status}"`);
  expect(counted[0]?.[1]).toBe(1);
}

const post = (path: string, body: string | Buffer, chunked = false): RawOptions => ({
  method: "POST",
  path,
  headers: jsonHeaders,
  body,
  chunked,
});

const metered = ["/v1/chat/completions", "/v1/completions", "/v1/responses", "/v1/embeddings", "/ask"];

describe("bodies the proxy cannot meter", () => {
  for (const path of metered) {
    it(`${path}: a non-JSON body answers 400 invalid_json`, async () => {
      await refused(post(path, "{not json"), 400, "invalid_json");
    });

    it(`${path}: a JSON array answers 400 invalid_json`, async () => {
      await refused(post(path, '[{"model":"gpt-4o-mini"}]'), 400, "invalid_json");
    });
  }

  const unusable = ["{}", '{"model":42}', '{"model":""}', '{"model":"   "}', '{"model":null}'];
  for (const body of unusable) {
    it(`a body without a usable model (${body}) answers 400 missing_model`, async () => {
      await refused(post("/v1/chat/completions", body), 400, "missing_model");
    });
  }
});

describe("bodies over MAX_BODY_BYTES", () => {
  const big = JSON.stringify({ model: "gpt-4o-mini", input: "x".repeat(maxBodyBytes * 4) });

  for (const path of [...metered, "/v1/files"]) {
    it(`${path}: with a content-length answers 413`, async () => {
      await refused(post(path, big), 413, "request_too_large");
    });

    it(`${path}: with chunked transfer answers 413`, async () => {
      await refused(post(path, big, true), 413, "request_too_large");
    });
  }

  it("a chunked pass-through upload that passes the limit once upstream answers 413 and cuts it", async () => {
    const before = await scrape();
    const { requests, clientAborts } = stack.simulator.stats;
    const req = startRaw(stack.proxyUrl, { ...post("/v1/files", "a".repeat(1000), true), keepOpen: true });
    await waitFor(() => stack.simulator.stats.requests > requests, { what: "upload started upstream" });
    req.end("b".repeat(maxBodyBytes));
    const response = await readRaw(await responseOf(req));
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text).error.code).toBe("request_too_large");
    await waitFor(() => stack.simulator.stats.clientAborts > clientAborts, { what: "upstream upload cut" });
    expectCountedOnce(before, await scrape(), 413);
  });

  it("a body of exactly MAX_BODY_BYTES is accepted", async () => {
    const body = JSON.stringify({ model: "gpt-4o-mini", input: "" });
    const padded = body.replace('""', `"${"y".repeat(maxBodyBytes - body.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(maxBodyBytes);
    const response = await rawRequest(stack.proxyUrl, post("/v1/embeddings", padded, true));
    expect(response.status).toBe(200);
  });
});

describe("wrong methods and paths", () => {
  it("GET /ask answers 405 with allow: POST", async () => {
    const response = await refused({ path: "/ask" }, 405, "method_not_allowed");
    expect(response.headers.allow).toBe("POST");
  });

  for (const method of ["POST", "PUT", "DELETE"]) {
    it(`${method} /metrics answers 405`, async () => {
      await refused({ method, path: "/metrics", body: "" }, 405, "method_not_allowed");
    });
  }

  for (const path of ["/", "/v2/chat/completions", "/admin", "/v1", "/metricsx"]) {
    it(`${path} (outside /v1/) answers 404 JSON`, async () => {
      await refused({ path }, 404, "not_found");
    });
  }
});
