import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMetrics, seriesLabels, seriesValue } from "../helpers/metrics.js";
import { type Stack, startStack } from "../helpers/stack.js";

const messages = [{ role: "user" as const, content: "Say something about labels." }];
const chatLabels = { model: "gpt-4o-mini", endpoint: "chat_completions", stream: "false", code: "200" };

describe("ATTRIBUTION_LABELS=team,user", () => {
  let stack: Stack;
  let openai: OpenAI;
  const logLines: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ env: { ATTRIBUTION_LABELS: "team,user" }, logLines });
    openai = new OpenAI({ baseURL: `${stack.proxyUrl}/v1`, apiKey: "sk-test", maxRetries: 0 });
  });
  afterAll(() => stack?.close());

  /** One chat call; returns how many requests each (team, user) pair gained. */
  async function chat(
    body: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>,
    options: OpenAI.RequestOptions = {},
    client = openai,
  ): Promise<Record<string, string>> {
    const before = parseMetrics(await stack.metricsText());
    await client.chat.completions.create({ model: "gpt-4o-mini", messages, ...body }, options);
    const text = await stack.metricsText();
    const after = parseMetrics(text);
    const moved = seriesLabels(text, "llm_requests_total").filter(
      (labels) =>
        seriesValue(after, "llm_requests_total", labels) > seriesValue(before, "llm_requests_total", labels),
    );
    expect(moved).toHaveLength(1);
    const [labels] = moved as [Record<string, string>];
    return { team: labels.team ?? "?", user: labels.user ?? "?" };
  }

  it("takes a value from the client's defaultHeaders", async () => {
    const tagged = new OpenAI({
      baseURL: `${stack.proxyUrl}/v1`,
      apiKey: "sk-test",
      maxRetries: 0,
      defaultHeaders: { "x-llm-team": "search", "x-llm-user": "alice" },
    });
    expect(await chat({}, {}, tagged)).toEqual({ team: "search", user: "alice" });
  });

  it("takes a value from a request's own headers", async () => {
    expect(await chat({}, { headers: { "x-llm-team": "ranking" } })).toEqual({ team: "ranking", user: "" });
  });

  it("takes a value from the body's metadata", async () => {
    expect(await chat({ metadata: { team: "ads", user: "bob" } })).toEqual({ team: "ads", user: "bob" });
  });

  it("takes user from the body's user, then safety_identifier", async () => {
    expect(await chat({ user: "carol" })).toEqual({ team: "", user: "carol" });
    expect(await chat({ safety_identifier: "hashed-dave" })).toEqual({ team: "", user: "hashed-dave" });
  });

  it("prefers the header to metadata, metadata to user, and user to safety_identifier", async () => {
    const all = {
      metadata: { team: "meta-team", user: "meta-user" },
      user: "body-user",
      safety_identifier: "sid",
    };
    const headers = { "x-llm-team": "header-team", "x-llm-user": "header-user" };
    expect(await chat(all, { headers })).toEqual({ team: "header-team", user: "header-user" });
    expect(await chat(all)).toEqual({ team: "meta-team", user: "meta-user" });
    expect(await chat({ user: "body-user", safety_identifier: "sid" })).toEqual({
      team: "",
      user: "body-user",
    });
  });

  it("cuts a value to 64 characters and removes control characters", async () => {
    const long = `${"x".repeat(70)}`;
    expect(await chat({ metadata: { team: `a\tb\u0007c`, user: long } })).toEqual({
      team: "abc",
      user: "x".repeat(64),
    });
  });

  it("sends no x-llm-* header upstream, and the body exactly as the SDK sent it", async () => {
    const headers = { "x-llm-team": "search", "x-llm-user": "erin", "x-llm-unlisted": "too" };
    const body = { model: "gpt-4o-mini", messages, metadata: { team: "m" }, user: "u" };
    await openai.chat.completions.create(body, { headers });
    const seen = stack.simulator.stats.lastRequestHeaders ?? {};
    expect(Object.keys(seen).filter((name) => name.startsWith("x-llm-"))).toEqual([]);
    expect(JSON.parse(stack.simulator.stats.lastRequestBody ?? "")).toEqual(body);
    await openai.models.list({ headers });
    expect(
      Object.keys(stack.simulator.stats.lastRequestHeaders ?? {}).filter((n) => n.startsWith("x-llm-")),
    ).toEqual([]);
  });

  it("attributes streams and pass-through requests by their headers", async () => {
    const headers = { "x-llm-team": "streamers" };
    const stream = await openai.chat.completions.create(
      { model: "gpt-4o-mini", messages, stream: true },
      { headers },
    );
    for await (const _chunk of stream);
    await openai.models.list({ headers });
    const metrics = parseMetrics(await stack.metricsText());
    const streamed = { ...chatLabels, stream: "true", team: "streamers", user: "" };
    expect(seriesValue(metrics, "llm_requests_total", streamed)).toBe(1);
    expect(
      seriesValue(metrics, "llm_tokens_total", {
        model: "gpt-4o-mini",
        type: "completion",
        team: "streamers",
        user: "",
      }),
    ).toBeGreaterThan(0);
    const other = {
      model: "unknown",
      endpoint: "other",
      stream: "false",
      code: "200",
      team: "streamers",
      user: "",
    };
    expect(seriesValue(metrics, "llm_requests_total", other)).toBe(1);
  });

  it("puts none of them on histograms or gauges, and no key label without client keys", async () => {
    const text = await stack.metricsText();
    for (const name of [
      "llm_request_latency_seconds_bucket",
      "llm_time_to_first_token_seconds_bucket",
      "llm_ratelimit_remaining",
      "llm_requests_in_flight",
    ]) {
      const sets = seriesLabels(text, name);
      expect(sets.length, name).toBeGreaterThan(0);
      expect(
        sets.every((labels) => labels.team === undefined && labels.user === undefined),
        name,
      ).toBe(true);
    }
    expect(text).not.toMatch(/[{,]key="/);
  });

  it("writes each value, uncapped, on the access-log line", async () => {
    await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages,
      metadata: { team: "logged" },
      user: "frank",
    });
    const entries = logLines.map(
      (line) => JSON.parse(line) as { msg: string; caller?: Record<string, string> },
    );
    expect(entries.filter((entry) => entry.msg === "request").at(-1)?.caller).toEqual({
      team: "logged",
      user: "frank",
    });
  });
});

describe("MAX_ATTRIBUTION_VALUES", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { ATTRIBUTION_LABELS: "team", LOG_LEVEL: "warn" } });
  });
  afterAll(() => stack?.close());

  it("holds 10,000 random values of one label to at most 100 + other, and counts the overflow", async () => {
    const openai = new OpenAI({ baseURL: `${stack.proxyUrl}/v1`, apiKey: "sk-test", maxRetries: 0 });
    const teams = Array.from({ length: 10_000 }, () => randomBytes(9).toString("base64url"));
    expect(new Set(teams).size).toBe(10_000);
    for (let at = 0; at < teams.length; at += 50) {
      await Promise.all(
        teams
          .slice(at, at + 50)
          .map((team) =>
            openai.embeddings.create(
              { model: "text-embedding-3-small", input: "x" },
              { headers: { "x-llm-team": team } },
            ),
          ),
      );
    }
    const text = await stack.metricsText();
    for (const name of ["llm_requests_total", "llm_tokens_total", "llm_cost_usd_total"]) {
      const values = new Set(seriesLabels(text, name).map((labels) => labels.team));
      expect(values.size, name).toBeLessThanOrEqual(101);
      expect(values.has("other"), name).toBe(true);
    }
    const metrics = parseMetrics(text);
    const requests = {
      model: "text-embedding-3-small",
      endpoint: "embeddings",
      stream: "false",
      code: "200",
    };
    const overflowed = seriesValue(metrics, "llm_requests_total", { ...requests, team: "other" });
    expect(overflowed).toBe(10_000 - 100);
    expect(seriesValue(metrics, "llm_attribution_overflow_total", { label: "team" })).toBe(overflowed);
  }, 120_000);
});
