import { type Logger, pino } from "pino";
import type { LogLevel } from "../config/config.js";
import type { RequestRecord } from "../metrics/types.js";

export type { Logger };

/**
 * JSON lines on stdout. Records are built field by field from what the proxy measured, so neither
 * message content nor a key can reach a line; nothing logs a request's headers or body, so no redaction
 * pass is needed (it cost 2% of the proxy's CPU under load: bench/results/profile.md).
 * Lines are buffered and written in batches of 8 KiB, or every 250 ms when traffic is light: one write
 * per request went through libuv's thread pool each time and cost 9% (plain) to 17% (streams) of the
 * proxy's CPU under load (LOG_LEVEL=warn ÷ info in bench/results/latest.md). pino flushes the buffer
 * when the process exits.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options = { level, base: { service: "llm-proxy" } };
  const stdout = () => pino.destination({ dest: 1, sync: false, minLength: 8 * 1024, periodicFlush: 250 });
  return pino(options, destination ?? stdout());
}

/** One access-log line per request: what was measured, never a key, a header or message content. */
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
      // The key's name and each attribution value: what a metric caps at `other`, the log keeps.
      caller: record.caller,
    },
    "request",
  );
}

const round = (seconds: number): number => Math.round(seconds * 1e6) / 1e6;
