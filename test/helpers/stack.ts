import { Writable } from "node:stream";
import { type Config, parseConfig } from "../../src/config/config.js";
import type { Env } from "../../src/config/env-file.js";
import { createLogger } from "../../src/logging/logger.js";
import { type RunningServer, startServer } from "../../src/server.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../src/simulator/simulator.js";

export interface StackOptions {
  /** Environment for the proxy, over defaults that point it at the simulator on an ephemeral port. */
  readonly env?: Env;
  readonly simulator?: SimulatorOptions;
  /** An upstream URL other than the simulator's (e.g. a replay server or a closed port). */
  readonly upstreamUrl?: string;
  /** Collects the proxy's log lines instead of printing them. */
  readonly logLines?: string[];
}

export interface Stack {
  /** The proxy's root, e.g. http://127.0.0.1:PORT; the SDK's baseURL is proxyUrl + "/v1". */
  readonly proxyUrl: string;
  readonly simulatorUrl: string;
  readonly simulator: Simulator;
  readonly proxy: RunningServer;
  readonly config: Config;
  /** The proxy's /metrics text. */
  metricsText(): Promise<string>;
  close(): Promise<void>;
}

/** Starts the simulator and the proxy in front of it, both on ephemeral loopback ports. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const simulator = await startSimulator(options.simulator);
  const config = parseConfig({
    APP_PORT: "0",
    APP_HOST: "127.0.0.1",
    OPENAI_BASE_URL: options.upstreamUrl ?? simulator.url,
    LOG_LEVEL: "info",
    ...options.env,
  });
  const lines = options.logLines;
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines?.push(
        ...String(chunk)
          .split("\n")
          .filter((line) => line !== ""),
      );
      callback();
    },
  });
  const proxy = await startServer(config, { logger: createLogger(config.logLevel, sink) });
  return {
    proxyUrl: proxy.url,
    simulatorUrl: simulator.url,
    simulator,
    proxy,
    config,
    metricsText: () => proxy.metrics.registry.metrics(),
    async close() {
      await proxy.shutdown(0);
      await simulator.close();
    },
  };
}
