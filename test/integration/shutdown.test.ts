import { Agent, request } from "node:http";
import { connect } from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { parseMetrics } from "../helpers/metrics.js";
import {
  buildProxy,
  chatBody,
  type LiveResponse,
  live,
  type ProxyProcess,
  responseOf,
  spawnProxy,
  waitFor,
} from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

/** At 20 tokens per second, 40 tokens stream for about two seconds. */
const slow = { tokensPerSecond: 20 };
const streamTokens = "40";
const opened: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const item of opened.splice(0)) await item.close();
});

/** A streamed chat request on a keep-alive connection, as the OpenAI SDKs send it. */
async function startStream(baseUrl: string, agent = new Agent({ keepAlive: true })): Promise<LiveResponse> {
  const url = new URL(baseUrl);
  const req = request({
    host: url.hostname,
    port: url.port,
    method: "POST",
    path: "/v1/chat/completions",
    agent,
    headers: { "content-type": "application/json", "x-simulator-tokens": streamTokens },
  });
  req.end(JSON.stringify(chatBody("Tell me a story", { stream: true })));
  const reading = live(await responseOf(req));
  await waitFor(() => reading.text().includes('"content":"'), { what: "first content chunk" });
  return reading;
}

/** Connects and resolves "refused" or "accepted"; a proxy that shuts down accepts no new connection. */
function tryConnect(baseUrl: string): Promise<"refused" | "accepted"> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve("accepted");
    });
    socket.once("error", () => resolve("refused"));
  });
}

/** A request whose headers are not finished yet, so its connection counts as busy, not idle. */
function pendingReadyz(baseUrl: string): Promise<{ finish(): Promise<string> }> {
  const url = new URL(baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  let text = "";
  socket.on("data", (chunk) => {
    text += chunk.toString("utf8");
  });
  const closed = new Promise<string>((resolve) => socket.once("close", () => resolve(text)));
  return new Promise((resolve) =>
    socket.once("connect", () => {
      socket.write(`GET /readyz HTTP/1.1\r\nHost: ${url.host}\r\n`);
      const finish = () => {
        socket.write("\r\n");
        return closed;
      };
      resolve({ finish });
    }),
  );
}

async function slowStack(): Promise<Stack> {
  const stack = await startStack({ simulator: slow });
  opened.push({ close: () => stack.simulator.close() });
  return stack;
}

/**
 * What shutdown does with new work: the listening socket closes at once, so a new connection is refused,
 * and a request already on an open connection gets /readyz 503 with `Connection: close`. A refused
 * connection is retried elsewhere by load balancers and by the OpenAI SDKs (which retry connection
 * errors, https://github.com/openai/openai-node#retries), while a request accepted now could outlive the
 * grace period.
 */
describe("proxy.shutdown(graceMs) with a slow stream in flight", () => {
  it("turns /readyz to 503 at once, refuses new connections, and resolves after the stream's [DONE]", async () => {
    const stack = await slowStack();
    // Idle keep-alive connections must be closed by the shutdown, not left to time out (which, at this
    // setting, would outlast the test).
    stack.proxy.server.keepAliveTimeout = 10 * 60_000;
    const reading = await startStream(stack.proxyUrl);
    const readyz = await pendingReadyz(stack.proxyUrl);
    let streamEnded = false;
    void reading.done.then(() => {
      streamEnded = true;
    });
    const shutdown = stack.proxy.shutdown(60_000);
    expect(await readyz.finish()).toMatch(/^HTTP\/1\.1 503[\s\S]*Connection: close[\s\S]*"shutting_down"/);
    expect(await tryConnect(stack.proxyUrl)).toBe("refused");
    await shutdown;
    expect(streamEnded).toBe(true);
    const done = await reading.done;
    expect(done.complete).toBe(true);
    expect(done.text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("cuts the stream when a shorter grace period ends, aborting the upstream request", async () => {
    const stack = await slowStack();
    const reading = await startStream(stack.proxyUrl);
    const aborts = stack.simulator.stats.clientAborts;
    await stack.proxy.shutdown(200);
    const done = await reading.done;
    expect(done.complete).toBe(false);
    expect(done.text).not.toContain("[DONE]");
    await waitFor(() => stack.simulator.stats.clientAborts > aborts, { what: "upstream abort" });
    const metrics = parseMetrics(await stack.metricsText());
    expect(metrics.get('llm_requests_in_flight{endpoint="chat_completions"}')).toBe(0);
  });
});

describe("the built proxy on SIGTERM", () => {
  let entry: string;
  let simulator: Simulator;
  let proxy: ProxyProcess | undefined;

  beforeAll(async () => {
    entry = buildProxy("shutdown");
    simulator = await startSimulator(slow);
    opened.push(simulator);
  }, 120_000);

  afterEach(() => {
    proxy?.child.kill("SIGKILL");
  });

  it("finishes the stream in flight, then exits 0", async () => {
    proxy = spawnProxy(entry, { APP_PORT: "0", OPENAI_BASE_URL: simulator.url, LOG_LEVEL: "info" });
    const url = await proxy.listening;
    const reading = await startStream(url);
    proxy.child.kill("SIGTERM");
    await waitFor(() => proxy?.lines.some((line) => line.msg === "draining in-flight requests") ?? false);
    expect(await tryConnect(url)).toBe("refused");
    const done = await reading.done;
    expect(done.complete).toBe(true);
    expect(done.text.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(await proxy.exited).toBe(0);
    expect(proxy.lines.some((line) => line.msg === "request" && line.status === 200)).toBe(true);
  });
});
