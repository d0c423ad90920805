import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { readEnvironment } from "../../src/config/env-file.js";
import { defaultLatencyBuckets } from "../../src/metrics/definitions.js";

describe("parseConfig", () => {
  it("has the seed's defaults", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 8000,
      host: "127.0.0.1",
      upstreamBaseUrl: "https://api.openai.com/v1",
      openaiApiKey: undefined,
      defaultModel: "gpt-4o-mini",
      upstreamTimeoutMs: 600_000,
      maxBodyBytes: 32 * 1024 * 1024,
      maxModelLabels: 50,
      clientKeys: [],
      attribution: { labels: [], maxValues: 100 },
      logLevel: "info",
      shutdownGraceMs: 120_000,
      workers: 1,
    });
    expect(config.latencyBuckets).toEqual(defaultLatencyBuckets);
    expect(config.latencyBuckets.at(-1)).toBeGreaterThanOrEqual(600);
  });

  it("reads every variable", () => {
    const config = parseConfig({
      APP_PORT: "9000",
      APP_HOST: "0.0.0.0",
      OPENAI_BASE_URL: "http://localhost:11434/v1/",
      OPENAI_API_KEY: "sk-x",
      OPENAI_MODEL: "gpt-4.1",
      OPENAI_TIMEOUT: "2.5",
      LATENCY_BUCKETS: "0.1, 1,10",
      PROXY_API_KEYS: "a, b,,",
      WORKERS: "3",
    });
    expect(config.port).toBe(9000);
    expect(config.upstreamBaseUrl).toBe("http://localhost:11434/v1");
    expect(config.upstreamTimeoutMs).toBe(2500);
    expect(config.latencyBuckets).toEqual([0.1, 1, 10]);
    expect(config.clientKeys.map((key) => key.name)).toEqual(["unnamed", "unnamed"]);
    expect(config.workers).toBe(3);
  });

  it.each([
    ["APP_PORT", "eighty", /APP_PORT="eighty": expected an integer from 0 to 65535/],
    ["APP_PORT", "70000", /APP_PORT/],
    ["OPENAI_TIMEOUT", "-1", /OPENAI_TIMEOUT="-1": expected a number/],
    ["OPENAI_BASE_URL", "ftp://x", /OPENAI_BASE_URL="ftp:\/\/x": expected an http:\/\/ or https:\/\/ URL/],
    ["OPENAI_BASE_URL", "not a url", /OPENAI_BASE_URL/],
    [
      "LATENCY_BUCKETS",
      "1,0.5",
      /LATENCY_BUCKETS="1,0.5": expected comma-separated positive seconds in ascending order/,
    ],
    ["LOG_LEVEL", "loud", /LOG_LEVEL="loud": expected one of fatal, error/],
    ["MAX_BODY_BYTES", "1.5", /MAX_BODY_BYTES/],
    ["WORKERS", "0", /WORKERS/],
  ])("rejects %s=%s with one line naming the variable", (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrow(message);
  });
});

describe("readEnvironment", () => {
  it("reads .env from the working directory, under the process environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "llm-proxy-env-"));
    writeFileSync(join(dir, ".env"), "APP_PORT=9100\nOPENAI_MODEL=gpt-4o\n# comment\n");
    const env = readEnvironment(dir, { OPENAI_MODEL: "gpt-4.1" });
    expect(env.APP_PORT).toBe("9100");
    expect(env.OPENAI_MODEL).toBe("gpt-4.1");
  });

  it("is the process environment alone when there is no .env", () => {
    const dir = mkdtempSync(join(tmpdir(), "llm-proxy-env-"));
    expect(readEnvironment(dir, { A: "1" })).toEqual({ A: "1" });
  });
});
