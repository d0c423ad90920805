import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { deltas, parseMetrics } from "../helpers/metrics.js";
import { exchangeTcp } from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

/**
 * Node refuses a request whose headers (headersTimeout, 60 s by default) or whole body (requestTimeout,
 * 300 s) are late; its checker looks every connectionsCheckingInterval (30 s). The proxy sets none of
 * them, so this file shortens them where node:http reads them, without a setting the product needs.
 * https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener
 */
vi.mock("node:http", async (importOriginal) => {
  const http = await importOriginal<typeof import("node:http")>();
  const short = { headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 50 };
  // Both overloads: the proxy passes options, the simulator only its listener.
  const createServer = (...args: unknown[]) => {
    const [options, listener] = typeof args[0] === "function" ? [{}, args[0]] : args;
    return http.createServer({ ...(options as object), ...short }, listener as never);
  };
  return { ...http, createServer, default: { ...http, createServer } };
});

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const scrape = async () => parseMetrics(await stack.metricsText());

/** The metrics once no request is in flight: a request whose connection closed finishes a moment later. */
async function settled(): Promise<Map<string, number>> {
  for (let tries = 0; ; tries++) {
    const metrics = await scrape();
    const inFlight = [...metrics].filter(([key]) => key.startsWith("llm_requests_in_flight{"));
    if (inFlight.every(([, value]) => value === 0) || tries === 200) return metrics;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Opens a connection, lets `talk` write on it, and reads until the server closes it (or 10 s pass). */
const exchange = (talk: (socket: Socket) => void): Promise<string> =>
  exchangeTcp(stack.proxyUrl, talk, 10_000);

async function counted(talk: (socket: Socket) => void) {
  const before = await scrape();
  const received = await exchange(talk);
  const moved = deltas(before, await settled());
  return {
    statuses: [...received.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)].map((match) => match[1]),
    head: received.slice(0, received.indexOf("\r\n\r\n")),
    body: received.slice(received.indexOf("\r\n\r\n") + 4),
    requests: [...moved].filter(([key]) => key.startsWith("llm_requests_total{")),
    errors: [...moved].filter(([key]) => key.startsWith("llm_errors_total{")),
  };
}

const timedOut = 'llm_requests_total{code="408",endpoint="other",model="unknown",stream="false"}';

function expectRequestTimeout(seen: Awaited<ReturnType<typeof counted>>): void {
  expect(seen.statuses).toEqual(["408"]);
  expect(seen.head).toMatch(/\r\ncontent-type: application\/json\r\n/);
  expect(seen.head).toMatch(/\r\nconnection: close(\r\n|$)/);
  expect(JSON.parse(seen.body)).toEqual({
    error: {
      message: "The request did not arrive in time.",
      type: "invalid_request_error",
      param: null,
      code: "request_timeout",
    },
  });
  expect(seen.requests).toEqual([[timedOut, 1]]);
}

describe("a request that does not arrive in time", () => {
  it("leaves a request that does arrive served as usual", async () => {
    const response = await fetch(`${stack.proxyUrl}/v1/models`);
    expect(response.status).toBe(200);
    expect(stack.proxy.server.headersTimeout).toBe(300);
  });

  it("headers left unfinished: 408 in OpenAI's error shape, counted once", async () => {
    const seen = await counted((socket) => socket.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n"));
    expectRequestTimeout(seen);
  });

  it("headers trickled a byte at a time (slowloris): refused all the same, counted once", async () => {
    const head = "GET /v1/models HTTP/1.1\r\nhost: x\r\nx-slow: ".padEnd(400, "a");
    const seen = await counted((socket) => {
      let at = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || at >= head.length) return clearInterval(timer);
        socket.write(head[at++] as string);
      }, 20);
    });
    expectRequestTimeout(seen);
  });

  it("a body that stops short: the connection closes and the request counts once, as 499", async () => {
    const body = '{"model":"gpt-4o-mini","messages":[';
    const seen = await counted((socket) =>
      socket.write(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n" +
          `content-length: ${body.length + 100}\r\n\r\n${body}`,
      ),
    );
    expect(seen.statuses).toEqual([]);
    expect(seen.requests).toEqual([
      ['llm_requests_total{code="499",endpoint="chat_completions",model="unknown",stream="false"}', 1],
    ]);
  });
});
