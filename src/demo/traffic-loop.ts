import { setTimeout as sleep } from "node:timers/promises";

/**
 * Demo traffic for `docker compose --profile demo`: a steady mix of OpenAI-style calls through the
 * proxy, so every dashboard panel fills without an API key, tagged with a team (x-llm-team). Node's global fetch only, no dependencies.
 * Env: PROXY_URL (default http://proxy:8000), TRAFFIC_RPS (default 2). Runs until SIGTERM or SIGINT.
 */

interface Call {
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** The simulator's fault switch: rate_limit answers 429 with x-ratelimit-* headers. */
  readonly fault?: string;
}

interface Tally {
  done: number;
  ok: number;
  rateLimited: number;
  failed: number;
}

const chatModels = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-5-nano"] as const;
const prompts = [
  "Summarise the plot of Hamlet in two sentences.",
  "Write a haiku about latency percentiles.",
  "Explain what a Prometheus histogram bucket is.",
  "List three ways to reduce LLM token spend.",
  "Translate 'observability' into French and German.",
];
// The demo proxy declares ATTRIBUTION_LABELS=team, so the dashboard's "by caller" row has callers.
const teams = ["search", "ranking", "support"] as const;
const logEvery = 50;
/** Open-loop pacing keeps the rate steady; the cap keeps a stalled upstream from piling up requests. */
const maxInFlight = 64;

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

function nextCall(): Call {
  const model = pick(chatModels);
  const input = pick(prompts);
  const roll = Math.random();
  if (roll < 0.05) {
    return {
      path: "/v1/chat/completions",
      body: { model, messages: [{ role: "user", content: input }] },
      fault: "rate_limit",
    };
  }
  if (roll < 0.15) return { path: "/v1/embeddings", body: { model: "text-embedding-3-small", input } };
  if (roll < 0.25) return { path: "/v1/responses", body: { model, input, max_output_tokens: 128 } };
  const stream = Math.random() < 0.5;
  const body = {
    model,
    messages: [{ role: "user", content: input }],
    max_completion_tokens: 32 + Math.floor(Math.random() * 224),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
  return { path: "/v1/chat/completions", body };
}

async function send(
  baseUrl: string,
  apiKey: string,
  call: Call,
  tally: Tally,
  signal: AbortSignal,
): Promise<void> {
  try {
    const response = await fetch(`${baseUrl}${call.path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${apiKey}`,
        "content-type": "application/json",
        "x-llm-team": pick(teams),
        ...(call.fault === undefined ? {} : { "x-simulator-fault": call.fault }),
      },
      body: JSON.stringify(call.body),
      signal,
    });
    // Reading to the end is what lets the proxy see a whole stream, usage chunk included.
    await response.arrayBuffer();
    if (response.ok) tally.ok += 1;
    else if (response.status === 429) tally.rateLimited += 1;
    else {
      tally.failed += 1;
      if (response.status === 401 && tally.failed === 1) {
        console.warn(
          "traffic: 401 from upstream; PROXY_URL should name a proxy whose OPENAI_BASE_URL is the simulator",
        );
      }
    }
  } catch {
    if (!signal.aborted) tally.failed += 1;
  } finally {
    tally.done += 1;
    if (tally.done % logEvery === 0) {
      console.log(
        `traffic: ${tally.done} done, ok ${tally.ok}, 429 ${tally.rateLimited}, failed ${tally.failed}`,
      );
    }
  }
}

function readRate(raw: string | undefined): number {
  const rate = Number(raw ?? "2");
  if (!Number.isFinite(rate) || rate <= 0)
    throw new Error(`TRAFFIC_RPS must be a positive number, got "${raw}"`);
  return rate;
}

async function main(): Promise<void> {
  const baseUrl = (process.env.PROXY_URL ?? "http://proxy:8000").replace(/\/+$/, "");
  const intervalMs = 1000 / readRate(process.env.TRAFFIC_RPS);
  // The proxy forwards its own key upstream when it has one; the simulator accepts any bearer.
  const apiKey = process.env.OPENAI_API_KEY || "sk-demo-traffic";
  const stop = new AbortController();
  process.once("SIGTERM", () => stop.abort());
  process.once("SIGINT", () => stop.abort());
  console.log(`traffic: ${(1000 / intervalMs).toFixed(1)} requests/s to ${baseUrl}`);

  const tally: Tally = { done: 0, ok: 0, rateLimited: 0, failed: 0 };
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  let ticks = 0;
  while (!stop.signal.aborted) {
    if (inFlight.size < maxInFlight) {
      const request = send(baseUrl, apiKey, nextCall(), tally, stop.signal);
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    ticks += 1;
    const due = start + ticks * intervalMs;
    await sleep(Math.max(0, due - performance.now()), undefined, { signal: stop.signal }).catch(
      () => undefined,
    );
  }
  await Promise.allSettled(inFlight);
  console.log(`traffic: stopped after ${tally.done} requests (ok ${tally.ok}, 429 ${tally.rateLimited})`);
}

main().catch((error: unknown) => {
  console.error("traffic:", error);
  process.exit(1);
});
