import { Client, Pool } from "undici";
import { quantile } from "./stats.js";

export interface MetricsTiming {
  readonly models: number;
  readonly scrapes: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly bodyBytes: number;
  readonly seriesLines: number;
}

async function post(client: Pool, model: string, stream: boolean): Promise<void> {
  const res = await client.request({
    path: "/v1/chat/completions",
    method: "POST",
    headers: { "content-type": "application/json", "x-simulator-tokens": "5" },
    body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`model ${model}: status ${res.statusCode}`);
}

/** Four connections at once, so that with cluster workers every worker holds some of the series. */
async function loadModels(origin: string, models: number): Promise<void> {
  const pool = new Pool(origin, { connections: 4 });
  try {
    for (let i = 0; i < models; i += 4) {
      const batch = [i, i + 1, i + 2, i + 3].filter((n) => n < models);
      await Promise.all(batch.map((n) => modelRequests(pool, `bench-model-${String(n).padStart(3, "0")}`)));
    }
  } finally {
    await pool.close();
  }
}

async function modelRequests(pool: Pool, model: string): Promise<void> {
  await post(pool, model, false);
  await post(pool, model, true);
}

/**
 * Gives the proxy `models` distinct model names (one streamed and one plain request each, so every
 * per-model histogram has series), then times complete GET /metrics answers, one at a time.
 */
export async function timeMetrics(origin: string, models: number, scrapes: number): Promise<MetricsTiming> {
  await loadModels(origin, models);
  const client = new Client(origin, { pipelining: 1 });
  try {
    const timings: number[] = [];
    let text = "";
    for (let i = 0; i < scrapes + 5; i++) {
      const started = performance.now();
      const res = await client.request({ path: "/metrics", method: "GET" });
      text = await res.body.text();
      // The first five warm the JIT for the exposition code; the figure is steady state.
      if (i >= 5) timings.push(performance.now() - started);
    }
    const seriesLines = text.split("\n").filter((line) => line !== "" && !line.startsWith("#")).length;
    return {
      models,
      scrapes,
      medianMs: quantile(timings, 0.5),
      p95Ms: quantile(timings, 0.95),
      bodyBytes: Buffer.byteLength(text),
      seriesLines,
    };
  } finally {
    await client.close();
  }
}
