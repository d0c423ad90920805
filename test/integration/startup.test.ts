import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProxy, spawnProxy } from "../helpers/raw-http.js";

let entry: string;
let occupied: Server;
beforeAll(async () => {
  entry = buildProxy("startup");
  occupied = createServer();
  await new Promise<void>((resolve) => occupied.listen(0, "127.0.0.1", resolve));
}, 120_000);
afterAll(() => new Promise<void>((resolve) => occupied.close(() => resolve())));

/** Runs the built proxy until it exits and returns its exit code and what it wrote to stderr. */
async function failedStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const proxy = spawnProxy(entry, { OPENAI_BASE_URL: "http://127.0.0.1:9/v1", ...env });
  let stderr = "";
  proxy.child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return { code: await proxy.exited, stderr };
}

describe("start-up failures end with one clear line", () => {
  it("a bad variable: exit 2, naming the variable and what is expected", async () => {
    const { code, stderr } = await failedStart({ APP_PORT: "eighty" });
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toEqual([
      'llm-proxy: Invalid APP_PORT="eighty": expected an integer from 0 to 65535.',
    ]);
  });

  it("a port in use: exit 1 with EADDRINUSE, no stack trace", async () => {
    const { port } = occupied.address() as AddressInfo;
    const { code, stderr } = await failedStart({ APP_PORT: String(port) });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("EADDRINUSE");
  });

  it("an unreadable PRICES_FILE: exit 1 naming the file", async () => {
    const { code, stderr } = await failedStart({ APP_PORT: "0", PRICES_FILE: "/nonexistent/prices.json" });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("/nonexistent/prices.json");
  });
});
