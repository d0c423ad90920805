import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltas, parseMetrics } from "../helpers/metrics.js";
import { chatBody, postJson } from "../helpers/raw-http.js";
import { type ScriptedUpstream, startScriptedUpstream } from "../helpers/scripted-upstream.js";
import { type Stack, startStack } from "../helpers/stack.js";

let upstream: ScriptedUpstream;
let stack: Stack;

beforeAll(async () => {
  upstream = await startScriptedUpstream((_req, res) => {
    // A JSON head, then silence: the body never comes.
    res.writeHead(200, { "content-type": "application/json" });
    res.flushHeaders();
  });
  stack = await startStack({ upstreamUrl: upstream.url, env: { OPENAI_TIMEOUT: "0.3" } });
});

afterAll(async () => {
  await stack?.close();
  await upstream?.close();
});

describe("an upstream that sends a JSON head and then nothing", () => {
  it("answers 504 in OpenAI's error shape, since no byte reached the client, and counts it so", async () => {
    const before = parseMetrics(await stack.metricsText());
    const response = await postJson(stack.proxyUrl, "/v1/chat/completions", chatBody("Hi"));
    expect(response.status).toBe(504);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(response.text).error).toMatchObject({ type: "proxy_error", code: "upstream_timeout" });
    const changed = deltas(before, parseMetrics(await stack.metricsText()));
    expect(changed.get('llm_errors_total{model="gpt-4o-mini",type="timeout"}')).toBe(1);
    expect(
      changed.get(
        'llm_requests_total{code="504",endpoint="chat_completions",model="gpt-4o-mini",stream="false"}',
      ),
    ).toBe(1);
    expect(
      changed.get(
        'llm_requests_total{code="200",endpoint="chat_completions",model="gpt-4o-mini",stream="false"}',
      ),
    ).toBeUndefined();
  });

  it("answers the same on a pass-through path", async () => {
    const before = parseMetrics(await stack.metricsText());
    const response = await postJson(stack.proxyUrl, "/v1/images/generations", { prompt: "x" });
    expect(response.status).toBe(504);
    const changed = deltas(before, parseMetrics(await stack.metricsText()));
    expect(changed.get('llm_errors_total{model="unknown",type="timeout"}')).toBe(1);
  });
});
