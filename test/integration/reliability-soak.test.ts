import { beforeAll, describe, expect, it } from "vitest";
import { runSoak, type SoakReport } from "../../bench/soak.js";

describe("a short soak (bench/soak.ts with 1500 requests)", () => {
  let report: SoakReport;

  beforeAll(async () => {
    report = await runSoak({ requests: 1500, concurrency: 16, abortRatio: 0.1, seed: 6, hostile: false });
  }, 300_000);

  it("keeps every invariant (counts, in-flight, memory, sockets)", () => {
    expect(report.failures).toEqual([]);
  });

  it("counted every request that reached the proxy exactly once, by the status sent", () => {
    const counted = Object.values(report.counted).reduce((a, b) => a + b, 0);
    expect(counted).toBe(report.received);
    expect(report.received).toBeGreaterThanOrEqual(1500 - (report.seen.aborted ?? 0));
    expect(report.seen.error).toBeUndefined();
  });

  it("exercised what it claims: successes, 429s and client aborts counted 499", () => {
    expect(report.counted["200"]).toBeGreaterThan(0);
    expect(report.counted["429"]).toBe(report.errors.rate_limit);
    expect(report.counted["499"]).toBeGreaterThan(0);
    expect(Object.keys(report.errors)).toEqual(["rate_limit"]);
  });

  it("left nothing in flight and no socket beyond the idle pools", () => {
    expect(report.inFlight).toBe(0);
    expect(report.sockets.upstreamOpen).toBeLessThanOrEqual(16);
    expect(report.sockets.proxyConnections).toBeLessThanOrEqual(16);
    expect(report.sockets.proxyConnectionsAfterClose).toBe(0);
  });
});

describe("a short hostile soak (npm run soak -- --hostile, 1200 requests)", () => {
  let report: SoakReport;

  beforeAll(async () => {
    report = await runSoak({ requests: 1200, concurrency: 16, abortRatio: 0.1, seed: 7, hostile: true });
  }, 300_000);

  it("keeps every invariant: each request counted once by the status sent, no counter poisoned", () => {
    expect(report.failures).toEqual([]);
    expect(report.poisonedCounters).toBe(0);
  });

  it("exercised the hostile inputs: refusals, unparsable requests, no 500", () => {
    expect(report.counted["400"]).toBeGreaterThan(0);
    expect(report.refusedConnections).toBeGreaterThan(0);
    expect(report.counted["500"]).toBeUndefined();
    expect(report.errors.internal).toBeUndefined();
    const counted = Object.values(report.counted).reduce((a, b) => a + b, 0);
    expect(counted).toBe(report.received + report.refusedConnections);
  });

  it("exercised the stream-side faults: error events counted as stream_error, nothing else new", () => {
    const { completed, aborted } = report.streamErrorRequests;
    expect(completed).toBeGreaterThan(0);
    expect(report.errors.stream_error).toBeGreaterThanOrEqual(completed);
    expect(report.errors.stream_error).toBeLessThanOrEqual(completed + aborted);
    expect(report.errors.stream_interrupted).toBeUndefined();
  });
});
