import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { chat, fixedNow, post } from "./helpers.js";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ now: fixedNow });
});

afterAll(() => sim.close());

describe("rate-limit headers and stats", () => {
  it("decrease remaining requests and tokens as requests arrive, per model", async () => {
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const response = await post(sim, "/chat/completions", { ...chat, model: "gpt-4.1-mini" });
      await response.text();
      remaining.push([
        Number(response.headers.get("x-ratelimit-remaining-requests")),
        Number(response.headers.get("x-ratelimit-remaining-tokens")),
      ]);
      expect(response.headers.get("x-ratelimit-limit-requests")).toBe("10000");
      expect(response.headers.get("x-ratelimit-reset-requests")).toMatch(/^(\d+ms|[\d.]+s|\d+m[\d.]*s?)$/);
      expect(response.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
      expect(response.headers.get("openai-version")).toBe("2020-10-01");
    }
    expect(remaining.map(([requests]) => requests)).toEqual([9999, 9998, 9997]);
    expect(remaining[1]?.[1]).toBeLessThan(remaining[0]?.[1] ?? 0);
    expect(remaining[2]?.[1]).toBeLessThan(remaining[1]?.[1] ?? 0);
  });

  it("answers 429 spontaneously at rateLimitRatio 1, never at a draw above the ratio", async () => {
    const always = await startSimulator({ rateLimitRatio: 1, random: () => 0.5 });
    const never = await startSimulator({ rateLimitRatio: 0.4, random: () => 0.5 });
    try {
      expect((await post(always, "/chat/completions", chat)).status).toBe(429);
      expect((await post(never, "/chat/completions", chat)).status).toBe(200);
    } finally {
      await Promise.all([always.close(), never.close()]);
    }
  });

  it("remembers what the upstream saw: headers and the raw body", async () => {
    const before = sim.stats.requests;
    const raw = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"café"}]}';
    await (await post(sim, "/chat/completions", raw, { "x-trace": "abc" })).text();
    expect(sim.stats.requests).toBe(before + 1);
    expect(sim.stats.lastRequestBody).toBe(raw);
    expect(sim.stats.lastRequestHeaders?.["x-trace"]).toBe("abc");
  });
});
