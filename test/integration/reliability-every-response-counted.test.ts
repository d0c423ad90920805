import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics } from "../helpers/metrics.js";
import { exchangeTcp } from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const scrape = async () => parseMetrics(await stack.metricsText());

/** Writes bytes on a fresh TCP connection and reads until the server closes it (or 2 s pass). */
const exchange = (text: string): Promise<string> =>
  exchangeTcp(stack.proxyUrl, (socket) => socket.write(text), 2000);

interface Seen {
  readonly statuses: string[];
  readonly body: string;
  readonly counted: [string, number][];
}

async function sent(text: string): Promise<Seen> {
  const before = await scrape();
  const received = await exchange(text);
  const moved = deltas(before, await scrape());
  return {
    statuses: [...received.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)].map((match) => match[1] as string),
    body: received.slice(received.indexOf("\r\n\r\n") + 4),
    counted: [...moved].filter(([key]) => key.startsWith("llm_requests_total{")),
  };
}

function expectCountedOnce(seen: Seen, status: string): void {
  expect(seen.statuses).toEqual([status]);
  expect(seen.counted).toHaveLength(1);
  expect(seen.counted[0]?.[0]).toContain(`code="${status}"`);
  expect(seen.counted[0]?.[1]).toBe(1);
}

function expectOpenAiError(seen: Seen, code: string): void {
  const { error } = JSON.parse(seen.body) as { error: Record<string, unknown> };
  expect(error).toMatchObject({ code, type: "invalid_request_error", param: null });
}

describe("every response the proxy sends is counted once", () => {
  it("GET /v1/models over HTTP/1.0 without Host is served (HTTP/1.0 may omit it)", async () => {
    const seen = await sent("GET /v1/models HTTP/1.0\r\n\r\n");
    expectCountedOnce(seen, "200");
    expect(JSON.parse(seen.body)).toMatchObject({ object: "list" });
  });

  it("POST /ask over HTTP/1.0 without Host is served", async () => {
    const body = '{"messages":[{"role":"user","content":"hi"}]}';
    const seen = await sent(
      `POST /ask HTTP/1.0\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
    expectCountedOnce(seen, "200");
    expect(JSON.parse(seen.body)).toMatchObject({ model: "gpt-4o-mini" });
  });

  it("an HTTP/1.1 request without Host answers 400 missing_host (RFC 9112 §3.2)", async () => {
    const seen = await sent("GET /v1/models HTTP/1.1\r\nconnection: close\r\n\r\n");
    expectCountedOnce(seen, "400");
    expectOpenAiError(seen, "missing_host");
  });

  it("OPTIONS * answers 400 invalid_request_target", async () => {
    const seen = await sent("OPTIONS * HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    expectCountedOnce(seen, "400");
    expectOpenAiError(seen, "invalid_request_target");
  });

  it("an invalid Host answers 400 invalid_request_target", async () => {
    const seen = await sent("GET /v1/models HTTP/1.1\r\nhost: a@b\r\nconnection: close\r\n\r\n");
    expectCountedOnce(seen, "400");
    expectOpenAiError(seen, "invalid_request_target");
  });

  it("bytes Node's parser refuses answer 400 malformed_request", async () => {
    for (const text of ["HELLO\r\n\r\n", "GET /v1/models HTTP/1.1\r\nhost: x\r\nbad header: y\r\n\r\n"]) {
      const seen = await sent(text);
      expectCountedOnce(seen, "400");
      expectOpenAiError(seen, "malformed_request");
    }
  });

  it("headers over Node's limit answer 431", async () => {
    const seen = await sent(`GET /v1/models HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`);
    expectCountedOnce(seen, "431");
    expectOpenAiError(seen, "request_header_fields_too_large");
  });

  it("an Expect other than 100-continue answers 417", async () => {
    const seen = await sent("GET /v1/models HTTP/1.1\r\nhost: x\r\nexpect: foo\r\nconnection: close\r\n\r\n");
    expectCountedOnce(seen, "417");
    expectOpenAiError(seen, "expectation_failed");
  });

  it("GET /metrics with a wrong token is refused and counted like any refusal", async () => {
    const guarded = await startStack({ env: { METRICS_TOKEN: "secret" } });
    try {
      const before = parseMetrics(await guarded.metricsText());
      const response = await fetch(`${guarded.proxyUrl}/metrics`);
      expect(response.status).toBe(401);
      const moved = deltas(before, parseMetrics(await guarded.metricsText()));
      expect([...moved].filter(([key]) => key.startsWith("llm_requests_total{"))).toEqual([
        ['llm_requests_total{code="401",endpoint="other",model="unknown",stream="false"}', 1],
      ]);
    } finally {
      await guarded.close();
    }
  });

  it("garbage pipelined behind a request in flight closes the connection; that request counts once", async () => {
    const body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"h"}]}';
    const request =
      "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n" +
      `x-simulator-fault: slow_headers:300\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const seen = await sent(`${request}GARBAGE\r\n\r\n`);
    expect(seen.counted).toHaveLength(1);
    expect(seen.counted[0]?.[1]).toBe(1);
    // Whatever the client saw (nothing, or the answer if it came first), it saw at most one response.
    expect(seen.statuses.length).toBeLessThanOrEqual(1);
    if (seen.statuses.length === 0) expect(seen.counted[0]?.[0]).toContain('code="499"');
  });
});

describe("a refusal whose connection is already gone", () => {
  it("counts as what the client saw (499), not as the answer that could not be sent", async () => {
    const body = "{not json";
    const request =
      "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n" +
      `content-length: ${body.length}\r\n\r\n${body}`;
    const seen = await sent(`${request}GARBAGE\r\n\r\n`);
    expect(seen.counted).toHaveLength(1);
    expect(seen.counted[0]?.[1]).toBe(1);
    const [status] = seen.statuses;
    expect(seen.counted[0]?.[0]).toContain(`code="${status ?? "499"}"`);
  });
});
