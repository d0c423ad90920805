import { type Logger, pino } from "pino";
import type { LogLevel } from "../config/config.js";
import type { RequestRecord } from "../metrics/types.js";
import { createBufferedDestination, deferredAccessLines } from "./buffered-stdout.js";

export type { Logger };

/**
 * JSON lines on stdout. Records are built field by field from what the proxy measured, so neither
 * message content nor a key can reach a line; nothing logs a request's headers or body, so no redaction
 * pass is needed (it cost 2% of the proxy's CPU under load: bench/results/profile.md). How lines are
 * buffered and batched: buffered-stdout.ts. pino flushes the buffer when the process exits.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: "llm-proxy" } }, destination ?? createBufferedDestination());
}

/**
 * The access log: one line per request of what was measured, never a key, a header or message content.
 *
 * Each line is the one `logger.info(fields, "request")` would write (same members, same order, same
 * JSON), built from the record's known fields instead of by pino's generic serialiser, which cost 3.5 µs
 * a line, half of what the access log added per request (bench/results/profile.md). It goes to the
 * logger's own destination and bindings (pino.symbols, pino's API for extensions), so it is buffered and
 * ordered with every other line.
 */
export function createAccessLog(logger: Logger): (record: RequestRecord) => void {
  const internals = logger as unknown as Record<symbol, unknown>;
  const stream = internals[pino.symbols.streamSym] as Partial<pino.DestinationStream> | undefined;
  const bindings = internals[pino.symbols.chindingsSym];
  if (typeof stream?.write !== "function" || typeof bindings !== "string") {
    throw new Error("the access log needs a pino logger (its destination and bindings were not found)");
  }
  const format = (time: number, record: RequestRecord) =>
    `{"level":30,"time":${time}${bindings}${accessFields(record)},"msg":"request"}\n`;
  const deferred = deferredAccessLines(stream)?.attach(format);
  const write = stream.write.bind(stream);
  return function accessLog(record) {
    if (!logger.isLevelEnabled("info")) return;
    if (deferred === undefined) write(format(Date.now(), record));
    else deferred(record);
  };
}

/** Endpoint and error type are identifiers of the proxy's own; every other string is escaped. */
function accessFields(record: RequestRecord): string {
  const { requestId, usage, ttftSeconds, costUsd, errorType, caller } = record;
  let line = requestId === undefined ? "" : `,"requestId":${JSON.stringify(requestId)}`;
  line += `,"model":${JSON.stringify(record.model)},"endpoint":"${record.endpoint}"`;
  line += `,"stream":${record.stream},"status":${record.status},"latencyS":${round(record.latencySeconds)}`;
  if (ttftSeconds !== undefined) line += `,"ttftS":${round(ttftSeconds)}`;
  if (usage !== undefined) {
    line += `,"promptTokens":${usage.promptTokens},"completionTokens":${usage.completionTokens}`;
    line += `,"cachedTokens":${usage.cachedTokens},"reasoningTokens":${usage.reasoningTokens}`;
  }
  if (record.usageEstimated) line += `,"usageEstimated":true`;
  if (costUsd !== undefined) line += `,"costUsd":${number(costUsd)}`;
  if (errorType !== undefined) line += `,"errorType":"${errorType}"`;
  // The key's name and each attribution value: what a metric caps at `other`, the log keeps.
  if (caller !== undefined) line += `,"caller":${JSON.stringify(caller)}`;
  return line;
}

/** As JSON writes a number: a value that is not finite is `null`. */
const number = (value: number): number | null => (Number.isFinite(value) ? value : null);

const round = (seconds: number): number | null => number(Math.round(seconds * 1e6) / 1e6);
