import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildProxy, type ProxyProcess, spawnProxy } from "../helpers/raw-http.js";

const ownKey = "sk-proxy-own-key-e41b07";
let entry: string;
let running: ProxyProcess | undefined;

beforeAll(() => {
  entry = buildProxy("open-relay-warning");
}, 120_000);

afterEach(async () => {
  running?.child.kill("SIGKILL");
  await running?.exited;
  running = undefined;
});

/** Starts the built proxy and returns the log lines it printed up to "listening". */
async function startupLines(env: Record<string, string>): Promise<Record<string, unknown>[]> {
  running = spawnProxy(entry, {
    APP_PORT: "0",
    OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
    ...env,
  });
  await running.listening;
  return running.lines;
}

const isOpenRelayWarning = (line: Record<string, unknown>) =>
  line.level === 40 && String(line.msg).startsWith("OPEN RELAY");

describe("the open-relay start-up warning", () => {
  it("is logged when the proxy holds OPENAI_API_KEY, listens on 0.0.0.0 and has no PROXY_API_KEYS", async () => {
    const lines = await startupLines({ APP_HOST: "0.0.0.0", OPENAI_API_KEY: ownKey });
    const warning = lines.find(isOpenRelayWarning);
    expect(warning).toMatchObject({ host: "0.0.0.0" });
    expect(String(warning?.msg)).toMatch(/PROXY_API_KEYS/);
    expect(lines.indexOf(warning as Record<string, unknown>)).toBe(0);
    expect(JSON.stringify(lines)).not.toContain(ownKey.slice(0, 8));
  });

  const quiet: Array<[string, Record<string, string>]> = [
    ["PROXY_API_KEYS is set", { APP_HOST: "0.0.0.0", OPENAI_API_KEY: ownKey, PROXY_API_KEYS: "pk-1" }],
    ["it listens on loopback only", { APP_HOST: "127.0.0.1", OPENAI_API_KEY: ownKey }],
    ["it holds no key (clients bring their own)", { APP_HOST: "0.0.0.0" }],
  ];
  for (const [name, env] of quiet) {
    it(`is not logged when ${name}`, async () => {
      const lines = await startupLines(env);
      expect(lines.some(isOpenRelayWarning)).toBe(false);
    });
  }
});
