import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createAccessLog, createLogger } from "../../src/logging/logger.js";
import type { RequestRecord } from "../../src/metrics/types.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, destination };
}

const base: RequestRecord = {
  requestId: "req_0123456789abcdef",
  model: "gpt-4o-mini",
  endpoint: "chat_completions",
  stream: true,
  status: 200,
  latencySeconds: 0.001234567891,
  ttftSeconds: 0.000345678,
  usage: { promptTokens: 12, completionTokens: 20, cachedTokens: 3, reasoningTokens: 0 },
  usageEstimated: false,
  costUsd: 0.0000138,
  errorType: undefined,
  caller: undefined,
};

const records: readonly RequestRecord[] = [
  base,
  { ...base, stream: false, ttftSeconds: undefined },
  { ...base, usage: undefined, costUsd: undefined, status: 429, errorType: "rate_limit" },
  { ...base, usageEstimated: true, caller: { key: "team-a", team: 'q"uote\\back' } },
  // Strings from the upstream or the client: escaped, whatever they hold.
  { ...base, requestId: 'x"\n\u0001\u2028é', model: 'm"}{,\\' },
  { ...base, requestId: undefined, latencySeconds: 12.5, costUsd: 1e-12 },
  { ...base, latencySeconds: Number.NaN, costUsd: Number.POSITIVE_INFINITY },
];

/** What pino itself writes for the same fields: the reference every line must equal. */
function pinoLine(record: RequestRecord, time: number): string {
  const { lines, destination } = capture();
  const logger = pino({ base: { service: "llm-proxy" }, timestamp: () => `,"time":${time}` }, destination);
  const { usage } = record;
  const round = (s: number) => Math.round(s * 1e6) / 1e6;
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
      caller: record.caller,
    },
    "request",
  );
  logger.flush();
  return lines[0] as string;
}

describe("the access log", () => {
  it("writes, byte for byte, the line pino would write for the same fields", () => {
    const { lines, destination } = capture();
    const accessLog = createAccessLog(createLogger("info", destination));
    for (const record of records) accessLog(record);
    expect(lines).toHaveLength(records.length);
    records.forEach((record, i) => {
      const line = lines[i] as string;
      const time = Number(/"time":(\d+)/.exec(line)?.[1]);
      expect(line).toBe(pinoLine(record, time));
      expect(() => JSON.parse(line)).not.toThrow();
    });
  });

  it("writes nothing above info, and shares the destination with the logger's other lines", () => {
    const quiet = capture();
    createAccessLog(createLogger("warn", quiet.destination))(base);
    expect(quiet.lines).toEqual([]);
    const { lines, destination } = capture();
    const logger = createLogger("info", destination);
    const accessLog = createAccessLog(logger);
    logger.warn("before");
    accessLog(base);
    logger.warn("after");
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(["before", "request", "after"]);
  });
});
