import { startSimulator } from "./simulator.js";

function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

const simulator = await startSimulator({
  port: numberFromEnv("SIM_PORT") ?? 8081,
  host: process.env.SIM_HOST ?? "127.0.0.1",
  ttftMs: numberFromEnv("SIM_TTFT_MS"),
  tokensPerSecond: numberFromEnv("SIM_TOKENS_PER_SECOND"),
  rateLimitRatio: numberFromEnv("SIM_RATE_LIMIT_RATIO"),
});
console.log(`OpenAI simulator listening on ${simulator.url}`);

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  void simulator.close().then(() => process.exit(0));
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
