import { parseConfig } from "../config/config.js";
import { createLogger } from "../logging/logger.js";
import { startServer } from "../server.js";
import { startSimulator } from "../simulator/simulator.js";
import { type DemoCall, printAnswer, printChangedMetrics } from "./demo-output.js";

/** A short mix like the seed's tests/test_requests.py: several models, a stream, a 429, an embedding. */
const calls: readonly DemoCall[] = [
  { path: "/ask", body: { messages: [{ role: "user", content: "What is Prometheus in one sentence?" }] } },
  { path: "/ask", body: { model: "gpt-4o", messages: [{ role: "user", content: "Name three oceans." }] } },
  {
    path: "/ask",
    body: { model: "gpt-4.1-mini", messages: [{ role: "user", content: "Explain p95 latency." }] },
  },
  {
    path: "/ask",
    body: { model: "gpt-5-nano", messages: [{ role: "user", content: "Why cache prompts?" }] },
  },
  {
    path: "/v1/chat/completions",
    body: {
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: "Stream a haiku about dashboards." }],
    },
  },
  { path: "/v1/embeddings", body: { model: "text-embedding-3-small", input: ["observability", "proxy"] } },
  {
    path: "/ask",
    body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "This one hits a rate limit." }] },
    headers: { "x-simulator-fault": "rate_limit" },
  },
];

async function main(): Promise<void> {
  const simulator = await startSimulator({ ttftMs: 150, tokensPerSecond: 120 });
  const config = parseConfig({
    ...process.env,
    APP_PORT: process.env.APP_PORT ?? "0",
    OPENAI_BASE_URL: simulator.url,
  });
  const proxy = await startServer(config, { logger: createLogger("warn") });
  process.stdout.write(`Simulated upstream ${simulator.url}\nProxy             ${proxy.url}\n\n`);
  const before = await proxy.metrics.registry.metrics();
  for (const call of calls) await printAnswer(proxy.url, call);
  printChangedMetrics(before, await proxy.metrics.registry.metrics());
  process.stdout.write(
    `\nTry it yourself: npm start, then curl -s localhost:8000/ask -H 'content-type: application/json' -d '{"messages":[{"role":"user","content":"hi"}]}'\n`,
  );
  await proxy.shutdown(0);
  await simulator.close();
}

await main();
