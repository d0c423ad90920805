import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestListener } from "./app.js";
import { counterCallerLabels, createConfiguredAttributor } from "./attribution/setup.js";
import type { Config } from "./config/config.js";
import { createAccessLog, createLogger, type Logger } from "./logging/logger.js";
import { createMetricsExposer } from "./metrics/exposition.js";
import { createModelLabeler } from "./metrics/model-labels.js";
import { createRecorder } from "./metrics/recorder.js";
import { createMetrics, type Metrics } from "./metrics/registry.js";
import { createPriceTable, loadPricesFile } from "./pricing/price-table.js";
import { createPricer } from "./pricing/pricer.js";
import { createClientAuth, createTokenCheck } from "./proxy/client-auth.js";
import { answerConnectionErrors } from "./proxy/connection-errors.js";
import { createUpstream } from "./proxy/upstream.js";
import { startTracing } from "./tracing/tracing.js";
import type { Tracing } from "./tracing/types.js";
import { createTokenEstimator } from "./usage/token-estimator.js";

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** The OpenTelemetry SDK's handle while tracing is on; undefined when it is off. */
  readonly tracing: Tracing | undefined;
  /** Turns /readyz to 503, stops accepting, lets in-flight requests finish within the grace period. */
  shutdown(graceMs?: number): Promise<void>;
}

export interface ServerOptions {
  readonly logger?: Logger;
  readonly defaultMetrics?: boolean;
}

/** Builds every long-lived part once (pool, registry, price table, label children) and starts serving. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const tracing =
    config.tracing === undefined
      ? undefined
      : await startTracing(config.tracing, config.upstreamBaseUrl, throttled(logger));
  const metrics = createMetrics({
    latencyBuckets: config.latencyBuckets,
    defaultMetrics: options.defaultMetrics ?? true,
    callerLabels: counterCallerLabels(config),
    exemplars: tracing !== undefined,
  });
  const attributor = createConfiguredAttributor(config, metrics);
  const table = createPriceTable(
    config.pricesFile === undefined ? undefined : loadPricesFile(config.pricesFile),
  );
  const pricer = createPricer({
    table,
    onUnpriced: (model) =>
      logger.warn({ model: model.slice(0, 100) }, "model has no price; its cost is not counted"),
  });
  const recorder = createRecorder({
    definitions: metrics.definitions,
    labelModel: createModelLabeler({ isKnown: pricer.isKnown, maxModelLabels: config.maxModelLabels }),
    pricer,
    onFinish: createAccessLog(logger),
    onUncountableUsage: once(() =>
      logger.warn(
        "the upstream reported token counts that are not non-negative integers below 2^53; such usage is " +
          "ignored (the request counts as without usage); logged once",
      ),
    ),
    unattributed: attributor.unidentified,
  });
  const upstream = createUpstream(config);
  let ready = true;
  const listener = createRequestListener({
    upstream,
    recorder,
    attributor,
    tracing,
    // In WORKERS mode a scrape is answered with the group's aggregate, which carries no exemplars, so
    // there is no OpenMetrics to offer (docs/tracing.md).
    exposeMetrics: createMetricsExposer(metrics.registry, {
      openMetrics: tracing !== undefined && config.workers === 1,
    }),
    clientAuth: createClientAuth(config.clientKeys, config.openaiApiKey),
    metricsAllowed: createTokenCheck(config.metricsToken),
    estimator: createTokenEstimator(),
    maxBodyBytes: config.maxBodyBytes,
    defaultModel: config.defaultModel,
    isReady: () => ready,
    onInternalError: (err) => logger.error({ err }, "internal error"),
  });
  // Without Host, an HTTP/1.1 request is refused by the listener, in OpenAI's shape and counted.
  const server = createServer({ requireHostHeader: false }, listener);
  answerConnectionErrors(server, recorder);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    server,
    metrics,
    logger,
    tracing,
    async shutdown(graceMs = config.shutdownGraceMs) {
      ready = false;
      await closeGracefully(server, graceMs);
      await upstream.close();
      // Every request has ended its span by now; the batch still queued is exported before exit. A
      // collector that is down loses those spans, and must not turn a clean shutdown into a failed one.
      await tracing
        ?.shutdown()
        .catch((err: unknown) => logger.warn({ err }, "trace export failed at shutdown"));
    },
  };
}

/**
 * Reports failed trace exports at most once a minute: the SDK retries every batch, and a collector that
 * is down would otherwise add a warning every few seconds.
 */
function throttled(logger: Logger, intervalMs = 60_000): (err: unknown) => void {
  let last = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed += 1;
      return;
    }
    logger.warn({ err, suppressed }, "trace export failed; spans are dropped until the collector answers");
    last = now;
    suppressed = 0;
  };
}

/** Answers with `Connection: close`, so that a keep-alive client takes its next request elsewhere. */
const closeAfterResponse = (_req: IncomingMessage, res: ServerResponse): void => {
  res.shouldKeepAlive = false;
};

/**
 * Stops accepting, lets in-flight requests finish, and after the grace period cuts what is left. A
 * keep-alive connection would hold `close()` open until its client times it out, and carry new requests
 * meanwhile, so each connection is closed as soon as it goes idle.
 * https://nodejs.org/api/http.html#servercloseidleconnections
 */
function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    server.prependListener("request", closeAfterResponse);
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}
