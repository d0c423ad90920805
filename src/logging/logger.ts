import { type Logger, pino } from "pino";
import type { LogLevel } from "../config/config.js";
import type { RequestRecord } from "../metrics/types.js";

export type { Logger };

/**
 * JSON lines on stdout. Records are built field by field from what the proxy measured, so neither
 * message content nor a key can reach a line; nothing logs a request's headers or body, so no redaction
 * pass is needed (it cost 2% of the proxy's CPU under load: bench/results/profile.md).
 * Lines are buffered and written in batches of 64 KiB, or every 250 ms when traffic is light: each write
 * goes through libuv's thread pool and costs about 40 µs of CPU whatever its size. One write per request
 * cost 9% (plain) to 17% (streams) of the proxy's CPU under load (LOG_LEVEL=warn ÷ info in
 * bench/results/latest.md); batches of 8 KiB still cost half of a line's 2.6 µs (`npm run bench:log`).
 * pino flushes the buffer when the process exits.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: "llm-proxy" } }, destination ?? bufferedStdout());
}

/**
 * sonic-boom in its default (string) mode appends each line to the pending string and then measures
 * that whole string's UTF-8 length: a copy of up to 8 KiB per line, half the CPU of the access log
 * (1.5 of 3 µs a line, measured with `node --cpu-prof` on a loop of access lines). In buffer mode it
 * keeps a list of buffers and their lengths, so each line is encoded once, here.
 *
 * Light traffic is flushed every 250 ms by a timer of our own: sonic-boom's `periodicFlush` writes an
 * empty buffer through the thread pool when nothing is pending, four wake-ups a second on an idle proxy
 * (seen with strace as `write(1, NULL, 0)`). Ours flushes after lines came or a write completed (lines
 * that arrived during a write wait for the next flush), so an idle proxy makes at most one empty write.
 */
const batchBytes = 64 * 1024;
const flushEveryMs = 250;

function bufferedStdout(): pino.DestinationStream {
  const stream = pino.destination({
    dest: 1,
    sync: false,
    minLength: batchBytes,
    maxWrite: 2 * batchBytes,
    contentMode: "buffer",
  });
  const write = stream.write.bind(stream) as (data: string | Buffer) => boolean;
  let written = false;
  stream.write = (line: string) => {
    written = true;
    return write(Buffer.from(line));
  };
  stream.on("write", (bytes: number) => {
    if (bytes > 0) written = true;
  });
  const timer = setInterval(() => {
    if (!written) return;
    written = false;
    try {
      stream.flush();
    } catch {
      clearInterval(timer); // destroyed (sonic-boom throws): nothing is left to flush
    }
  }, flushEveryMs);
  timer.unref();
  return stream;
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
  const write = stream.write.bind(stream);
  return function accessLog(record) {
    if (!logger.isLevelEnabled("info")) return;
    write(`{"level":30,"time":${Date.now()}${bindings}${accessFields(record)},"msg":"request"}\n`);
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
