import OpenAI from "openai";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/raw-http.js";
import { type LoadBalancedStack, startLoadBalancedStack } from "./load-balanced-stack.js";

// `docker compose up --scale proxy=3` cannot run here (no Docker engine): the same haproxy.cfg runs in
// Debian's HAProxy in front of three proxies, which a DNS stub names `proxy` as Docker's DNS would.
describe("haproxy/haproxy.cfg in front of three proxy replicas", () => {
  let stack: LoadBalancedStack;
  // No keep-alive: every request is a new connection, which is what HAProxy balances in TCP mode.
  const fresh = new Agent({ pipelining: 0 });
  const client = (url: string) =>
    new OpenAI({
      baseURL: `${url}/v1`,
      apiKey: "sk-test",
      maxRetries: 0,
      fetch: (input, init) => fetch(input, { ...init, dispatcher: fresh } as unknown as RequestInit),
    });
  const ask = (url: string, extra: Record<string, unknown> = {}) =>
    client(url).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      ...extra,
    });

  beforeAll(async () => {
    stack = await startLoadBalancedStack(3, { tokensPerSecond: 40 });
    await waitFor(
      () =>
        fetch(stack.healthUrl).then(
          (r) => r.ok,
          () => false,
        ),
      {
        timeoutMs: 15_000,
        what: "HAProxy's health endpoint",
      },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${stack.log()}`);
    });
  }, 30_000);
  afterAll(async () => {
    await stack?.close();
    await fresh.close();
  });

  it("spreads new connections over every replica, and each request is counted once", async () => {
    const before = await Promise.all(stack.replicas.map((replica) => stack.served(replica)));
    let sent = 0;
    const servedNow = () => Promise.all(stack.replicas.map((replica) => stack.served(replica)));
    await waitFor(
      async () => {
        await ask(stack.url);
        sent++;
        const now = await servedNow();
        return sent >= 6 && now.every((count, i) => count > (before[i] ?? 0));
      },
      { timeoutMs: 20_000, what: "a request served by every replica" },
    );
    const after = await servedNow();
    expect(after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0)).toBe(sent);
  }, 30_000);

  it("streams through to the SDK as the replica sends it", async () => {
    const stream = await client(stack.url).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
  }, 30_000);

  it("lets draining replicas finish their streams while new requests go to the one left, none failing", async () => {
    const stream = await client(stack.url).chat.completions.create(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true },
      { headers: { "x-simulator-tokens": "160" } },
    );
    const streaming = async () => {
      for (const replica of stack.replicas) {
        const text = await replica.metrics.registry.metrics();
        if (/^llm_requests_in_flight\{[^}]*\} 1$/m.test(text)) return replica;
      }
      return undefined;
    };
    let busy: Awaited<ReturnType<typeof streaming>>;
    await waitFor(
      async () => {
        busy = await streaming();
        return busy !== undefined;
      },
      { what: "the stream in flight" },
    );
    const [idle, last] = stack.replicas.filter((replica) => replica !== busy);
    if (busy === undefined || idle === undefined || last === undefined)
      throw new Error("three replicas expected");
    const before = await Promise.all([busy, idle, last].map((replica) => stack.served(replica)));
    // What SIGTERM does to each: /readyz turns 503 and the replica stops accepting at once, seconds before
    // HAProxy's health check notices; the idle one ties with the last for the next connection.
    const drained = Promise.all([busy.shutdown(20_000), idle.shutdown(20_000)]);
    for (let i = 0; i < 6; i++) expect((await ask(stack.url)).choices.length).toBe(1);
    let text = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe("stop");
    expect(text.length).toBeGreaterThan(0);
    await drained;
    const after = await Promise.all([busy, idle, last].map((replica) => stack.served(replica)));
    // The stream finished and was counted on its replica; every new request went to the last one.
    expect(after.map((count, i) => count - (before[i] ?? 0))).toEqual([1, 0, 6]);
  }, 30_000);
});
