import { createAccessLog, createLogger } from "../src/logging/logger.js";
import type { RequestRecord } from "../src/metrics/types.js";

// CPU per access-log line as the proxy writes it (to stdout: run it as
// `npm run bench:log > /dev/null`), the line built and buffered, the buffer written by libuv's thread
// pool. Batches of 100 lines between event-loop turns, as under load.
const lines = 1_000_000;
const record: RequestRecord = {
  requestId: "req_198547e1f04948c7acd247e65e860447",
  model: "gpt-4o-mini",
  endpoint: "chat_completions",
  stream: true,
  status: 200,
  latencySeconds: 0.0012345,
  ttftSeconds: 0.000345,
  usage: { promptTokens: 12, completionTokens: 20, cachedTokens: 0, reasoningTokens: 0 },
  costUsd: 0.0000138,
  usageEstimated: false,
  errorType: undefined,
  caller: undefined,
};

async function main(): Promise<void> {
  const log = createAccessLog(createLogger("info"));
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < 20_000; i++) log(record);
  await turn();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let batch = 0; batch < lines / 100; batch++) {
    for (let i = 0; i < 100; i++) log(record);
    await turn();
  }
  const used = process.cpuUsage(cpu);
  const wallNs = Number(process.hrtime.bigint() - started) / lines;
  const cpuNs = ((used.user + used.system) * 1000) / lines;
  process.stderr.write(`access log: ${cpuNs.toFixed(0)} ns of CPU per line (${wallNs.toFixed(0)} ns wall)\n`);
}

await main();
