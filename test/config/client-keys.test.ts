import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readAttribution } from "../../src/config/attribution-labels.js";
import { readClientKeys, sha256Of } from "../../src/config/client-keys.js";
import { parseConfig } from "../../src/config/config.js";
import { ConfigError } from "../../src/config/parsers.js";

const dir = mkdtempSync(join(tmpdir(), "client-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function keysFile(content: unknown): string {
  const path = join(dir, `keys-${files++}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

const hex = (key: string): string => createHash("sha256").update(key).digest("hex");

/** The one-line message a bad configuration stops start-up with. */
function problem(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain("\n");
    return (err as Error).message;
  }
  throw new Error("parseConfig accepted a bad configuration");
}

describe("PROXY_API_KEYS", () => {
  it("names entries name:key and calls a bare key unnamed", () => {
    const keys = readClientKeys({ PROXY_API_KEYS: "search:sk-proxy-1, batch:sk-proxy-2,sk-bare" });
    expect(keys.map((key) => key.name)).toEqual(["search", "batch", "unnamed"]);
    expect(keys[0]?.sha256).toEqual(sha256Of("sk-proxy-1"));
    expect(keys[2]?.sha256).toEqual(sha256Of("sk-bare"));
    expect(keys.every((key) => key.budget === undefined)).toBe(true);
  });

  it("takes everything after the first colon as the key", () => {
    const [key] = readClientKeys({ PROXY_API_KEYS: "ops:sk:with:colons" });
    expect(key?.sha256).toEqual(sha256Of("sk:with:colons"));
  });

  it.each([
    ["Search:sk-1", /PROXY_API_KEYS entry 1: name "Search" must match/],
    ["a:sk-1,-bad:sk-2", /PROXY_API_KEYS entry 2: name "-bad" must match/],
    ["none:sk-1", /entry 1: the name "none" is kept for refused requests/],
    ["a:", /PROXY_API_KEYS entry 1 \("a"\): the key after "a:" is empty/],
    ["a:sk-1,a:sk-2", /PROXY_API_KEYS entry 2: the name "a" is also entry 1's/],
    ["a:sk-1,b:sk-1", /PROXY_API_KEYS entry 2 \("b"\): the same key as entry 1/],
  ])("rejects %s with one line that names the entry and not the key", (value, message) => {
    const text = problem({ PROXY_API_KEYS: value });
    expect(text).toMatch(message);
    expect(text).not.toContain("sk-");
  });

  it("accepts bare keys sharing the name unnamed", () => {
    expect(readClientKeys({ PROXY_API_KEYS: "k1,k2" }).map((key) => key.name)).toEqual([
      "unnamed",
      "unnamed",
    ]);
  });
});

describe("PROXY_API_KEYS_FILE", () => {
  it("reads keys, digests and budgets", () => {
    const path = keysFile([
      { name: "search", key: "sk-search", budgetUsd: 50, budgetPeriod: "day" },
      { name: "batch.v2", sha256: hex("sk-batch").toUpperCase(), budgetUsd: 1000 },
      { name: "lab", key: "sk-lab" },
    ]);
    const keys = readClientKeys({ PROXY_API_KEYS_FILE: path });
    expect(keys.map((key) => [key.name, key.budget])).toEqual([
      ["search", { usd: 50, period: "day" }],
      ["batch.v2", { usd: 1000, period: "month" }],
      ["lab", undefined],
    ]);
    expect(keys[0]?.sha256).toEqual(sha256Of("sk-search"));
    expect(keys[1]?.sha256).toEqual(sha256Of("sk-batch"));
  });

  it.each([
    ["{}", /expected a JSON array/],
    ["[]", /expected a JSON array/],
    ['[{"name": "a", "key": "sk-secret"', /not valid JSON/],
    [[{ key: "sk-secret" }], /entry 1: name missing must match/],
    [[{ name: "a" }], /entry 1 \("a"\): give exactly one of "key" and "sha256"/],
    [[{ name: "a", key: "sk-secret", sha256: hex("x") }], /exactly one of "key" and "sha256"/],
    [[{ name: "a", sha256: "abc" }], /entry 1 \("a"\): "sha256" must be 64 hex characters/],
    [[{ name: "a", key: "" }], /"key" is empty/],
    [[{ name: "a", key: "sk-secret", budgetUsd: -1 }], /"budgetUsd" must be a positive number/],
    [[{ name: "a", key: "sk-secret", budgetUsd: "10" }], /"budgetUsd" must be a positive number/],
    [[{ name: "a", key: "sk-secret", budgetUsd: 10, budgetPeriod: "week" }], /"day" or "month"/],
    [[{ name: "a", key: "sk-secret", budgetPeriod: "day" }], /"budgetPeriod" without "budgetUsd"/],
    [[{ name: "a", key: "sk-secret", budget: 10 }], /entry 1 \("a"\): unknown field "budget"/],
    [
      [
        { name: "a", key: "sk-1" },
        { name: "a", key: "sk-2" },
      ],
      /entry 2: the name "a" is also entry 1's/,
    ],
    [
      [
        { name: "a", key: "sk-1" },
        { name: "b", sha256: hex("sk-1") },
      ],
      /entry 2 \("b"\): the same key/,
    ],
    [["sk-secret"], /entry 1: expected an object/],
  ])("rejects %j with one line naming the file and the entry, never the key", (content, message) => {
    const path = keysFile(content);
    const text = problem({ PROXY_API_KEYS_FILE: path });
    expect(text).toMatch(message);
    expect(text).toContain(`PROXY_API_KEYS_FILE=${path}`);
    expect(text).not.toContain("sk-");
  });

  it("says when the file cannot be read", () => {
    expect(problem({ PROXY_API_KEYS_FILE: join(dir, "missing.json") })).toMatch(/cannot read it \(ENOENT\)/);
  });

  it("cannot be set together with PROXY_API_KEYS", () => {
    const path = keysFile([{ name: "a", key: "sk-1" }]);
    expect(problem({ PROXY_API_KEYS_FILE: path, PROXY_API_KEYS: "b:sk-2" })).toBe(
      "Set PROXY_API_KEYS or PROXY_API_KEYS_FILE, not both.",
    );
  });
});

describe("ATTRIBUTION_LABELS", () => {
  it("is empty with a cap of 100 by default", () => {
    expect(readAttribution({})).toEqual({ labels: [], maxValues: 100 });
  });

  it("reads up to five names and the cap", () => {
    const env = { ATTRIBUTION_LABELS: "team, user,app,env,tenant_2", MAX_ATTRIBUTION_VALUES: "20" };
    expect(readAttribution(env)).toEqual({
      labels: ["team", "user", "app", "env", "tenant_2"],
      maxValues: 20,
    });
  });

  it.each([
    ["a,b,c,d,e,f", /at most 5/],
    ["Team", /"Team" does not/],
    ["9lives", /"9lives" does not/],
    ["a-b", /"a-b" does not/],
    [`a${"x".repeat(31)}`, /does not/],
    ["team,model", /"model" is one/],
    ["key", /"key" is one/],
    ["instance", /"instance" is one/],
    ["team,team", /"team" is repeated/],
  ])("rejects %s", (value, message) => {
    expect(problem({ ATTRIBUTION_LABELS: value })).toMatch(message);
  });

  it("rejects a cap that is not an integer from 0 to 10000", () => {
    expect(problem({ MAX_ATTRIBUTION_VALUES: "-1" })).toMatch(/MAX_ATTRIBUTION_VALUES/);
    expect(problem({ MAX_ATTRIBUTION_VALUES: "1.5" })).toMatch(/MAX_ATTRIBUTION_VALUES/);
  });
});
