import { type Logger, pino } from "pino";
import type { LogLevel } from "../config/config.js";
import type { RequestRecord } from "../metrics/recorder.js";

export type { Logger };

/**
 * JSON lines on stdout. Records are built field by field from what the proxy measured, so neither
 * message content nor a key can reach a line; the redact paths are a second guard for error objects.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { service: "llm-proxy" },
    redact: { paths: ["*.authorization", "*.headers", "*.body", "*.messages", "*.input"], remove: true },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** One access-log line per request, as issue #6 lists its fields. */
export function logRequest(logger: Logger, record: RequestRecord): void {
  if (!logger.isLevelEnabled("info")) return;
  const { usage } = record;
  logger.info(
    {
      requestId: record.requestId,
      model: record.model,
      endpoint: record.endpoint,
      stream: record.stream,
      status: record.status,
      latencyS: round(record.latencySeconds),
      ttftS: record.ttftSeconds === undefined ? undefined : round(record.ttftSeconds),
      promptTokens: usage?.promptTokens,
      completionTokens: usage?.completionTokens,
      cachedTokens: usage?.cachedTokens,
      reasoningTokens: usage?.reasoningTokens,
      usageEstimated: record.usageEstimated || undefined,
      costUsd: record.costUsd,
      errorType: record.errorType,
    },
    "request",
  );
}

const round = (seconds: number): number => Math.round(seconds * 1e6) / 1e6;
