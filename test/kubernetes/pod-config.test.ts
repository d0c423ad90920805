import type { ISecret } from "kubernetes-models/v1/Secret";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../helpers/stack.js";
import { configEnv, findManifest, sourceManifests } from "./manifests.js";

// A proxy configured as a pod is (config.env plus the example Secret), in front of the simulator: the
// probes answer, clients need a key from PROXY_API_KEYS, and only the PodMonitor's bearer reads /metrics.
describe("a proxy configured like the Deployment's pods", () => {
  const secret = findManifest(sourceManifests(), "Secret").doc as unknown as ISecret;
  const keys = secret.stringData ?? {};
  let stack: Stack;

  beforeAll(async () => {
    // Only where it listens and which upstream it calls differ from the pod: loopback, and the simulator.
    const { OPENAI_BASE_URL: _upstream, ...config } = configEnv();
    stack = await startStack({ env: { ...config, ...keys, APP_HOST: "127.0.0.1", APP_PORT: "0" } });
  });
  afterAll(() => stack.close());

  it("answers the readiness and liveness probes", async () => {
    for (const path of ["/readyz", "/healthz"]) {
      expect((await fetch(`${stack.proxyUrl}${path}`)).status, path).toBe(200);
    }
  });

  it("serves a client holding one of PROXY_API_KEYS, and refuses one without", async () => {
    const clientKey = keys.PROXY_API_KEYS?.split(",")[1] ?? "";
    const client = new OpenAI({ baseURL: `${stack.proxyUrl}/v1`, apiKey: clientKey, maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(answer.choices.length).toBe(1);
    const stranger = new OpenAI({ baseURL: `${stack.proxyUrl}/v1`, apiKey: "not-a-client", maxRetries: 0 });
    await expect(stranger.models.list()).rejects.toMatchObject({ status: 401 });
  });

  it("shows /metrics to the PodMonitor's Bearer METRICS_TOKEN only", async () => {
    const scrape = (authorization?: string) =>
      fetch(`${stack.proxyUrl}/metrics`, authorization === undefined ? {} : { headers: { authorization } });
    expect((await scrape()).status).toBe(401);
    expect((await scrape("Bearer wrong")).status).toBe(401);
    const response = await scrape(`Bearer ${keys.METRICS_TOKEN}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^llm_requests_total\{[^}]*code="200"[^}]*\} 1$/m);
  });
});
