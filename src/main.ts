import cluster from "node:cluster";
import { isIP } from "node:net";
import { shareWithPrimary } from "./cluster/metrics-ipc.js";
import { isClusterPrimary, runCluster } from "./cluster/run-cluster.js";
import { type Config, parseConfig } from "./config/config.js";
import { readEnvironment } from "./config/env-file.js";
import { ConfigError } from "./config/parsers.js";
import { createLogger, type Logger } from "./logging/logger.js";
import { startServer } from "./server.js";

function loadConfig(): Config {
  try {
    return parseConfig(readEnvironment());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`llm-proxy: ${err.message}\n`);
    process.exit(2);
  }
}

const isLoopback = (host: string): boolean =>
  host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));

/** A proxy that holds a key, checks no client keys and listens beyond loopback is an open relay. */
function warnOpenRelay(config: Config, logger: Logger): void {
  if (config.openaiApiKey === undefined || config.clientKeys.length > 0 || isLoopback(config.host)) return;
  logger.warn(
    { host: config.host },
    "OPEN RELAY: this proxy holds OPENAI_API_KEY, listens on a non-loopback address and PROXY_API_KEYS is " +
      "empty, so anyone who can reach it spends your key. Set PROXY_API_KEYS or bind APP_HOST=127.0.0.1.",
  );
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (!cluster.isWorker) warnOpenRelay(config, logger);
  if (isClusterPrimary(config)) return runCluster(config, logger);
  const running = await startServer(config, { logger });
  if (cluster.isWorker) shareWithPrimary(running.metrics.registry);
  logger.info({ url: running.url, upstream: config.upstreamBaseUrl }, "llm-proxy listening");
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceSeconds: config.shutdownGraceMs / 1000 }, "draining in-flight requests");
    running.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

// A port in use or an unreadable PRICES_FILE ends start-up with one line, not a stack trace.
await main().catch((err: unknown) => {
  const { code, message } = err as { code?: string; message?: string };
  process.stderr.write(`llm-proxy: cannot start: ${code ?? ""} ${message ?? String(err)}\n`);
  process.exit(1);
});
