/**
 * Run as its own process (`node --expose-gc --import tsx test/helpers/model-name-heap.ts N MiB [tracing]`):
 * the proxy in front of a bare upstream that answers 404 to every other request and 200 with usage to the
 * rest, sent N chat requests each naming a distinct model of MiB mebibytes. With `tracing`, spans go to a
 * local OTLP sink, and the heap is read while they wait in the batch processor's queue (it exports every
 * 5 s, held back here). Prints the heap after a full collection before and after, as JSON on stdout.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/logging/logger.js";
import { startServer } from "../../src/server.js";

const count = Number(process.argv[2] ?? 40);
const mebibytes = Number(process.argv[3] ?? 2);
const tracing = process.argv[4] === "tracing";
// The batch processor exports every 5 s; held back, every span stays queued while the heap is read.
if (tracing) process.env.OTEL_BSP_SCHEDULE_DELAY = "600000";
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");

const notFound =
  '{"error":{"message":"no such model","type":"invalid_request_error","param":"model","code":"model_not_found"}}';
const answered =
  '{"id":"x","object":"chat.completion","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}';
let served = 0;
const upstream = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    served += 1;
    res.writeHead(served % 2 === 0 ? 200 : 404, { "content-type": "application/json" });
    res.end(served % 2 === 0 ? answered : notFound);
  });
});
await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
const { port } = upstream.address() as AddressInfo;
const sink = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.end());
});
await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
const sinkPort = (sink.address() as AddressInfo).port;
const config = parseConfig({
  APP_PORT: "0",
  APP_HOST: "127.0.0.1",
  OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
  MAX_BODY_BYTES: String((mebibytes + 1) * 2 ** 20),
  LOG_LEVEL: "silent",
  ...(tracing ? { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}` } : {}),
});
const proxy = await startServer(config, { logger: createLogger("silent"), defaultMetrics: false });

const heapMb = async () => {
  // Two collections with a turn of the event loop between: sockets and timers let go of their buffers.
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
};

async function send(i: number): Promise<number> {
  const model = `model-${i}-${"x".repeat(mebibytes * 2 ** 20)}`;
  const body = JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] });
  const response = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

await send(-1);
await proxy.metrics.registry.metrics();
const before = await heapMb();
const statuses: Record<string, number> = {};
for (let i = 0; i < count; i++) {
  const status = await send(i);
  statuses[status] = (statuses[status] ?? 0) + 1;
}
await proxy.metrics.registry.metrics();
const after = await heapMb();
await proxy.shutdown(0);
upstream.close();
sink.close();
process.stdout.write(
  `${JSON.stringify({ count, mebibytes, tracing, statuses, heapMb: { before, after } })}\n`,
);
