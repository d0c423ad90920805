import { describe, expect, it } from "vitest";
import { checkInvariants, type SoakReport } from "../../bench/soak-invariants.js";

/** A clean hostile run in miniature: 10 requests, 2 of them error-event streams read to the end. */
const clean: Omit<SoakReport, "failures"> = {
  options: { requests: 10, concurrency: 2, abortRatio: 0, seed: 1, hostile: true },
  seconds: 1,
  received: 10,
  refusedConnections: 0,
  seen: { "200": 8, "429": 1, "400": 1 },
  streamErrorRequests: { completed: 2, aborted: 0 },
  counted: { "200": 8, "429": 1, "400": 1 },
  errors: { rate_limit: 1, invalid_request: 1, stream_error: 2 },
  poisonedCounters: 0,
  inFlight: 0,
  memoryMb: { heapWarm: 10, heapEnd: 10, rssWarm: 100, rssEnd: 100, rssPeak: 120 },
  cpuSeconds: { user: 1, system: 0 },
  sockets: { upstreamOpen: 0, proxyConnections: 0, proxyConnectionsAfterClose: 0 },
};

describe("the soak's error invariants", () => {
  it("accept one stream_error per error-event stream read to the end", () => {
    expect(checkInvariants(clean)).toEqual([]);
  });

  it("fail when a stream error went uncounted or was counted twice", () => {
    for (const stream_error of [1, 3]) {
      const failures = checkInvariants({ ...clean, errors: { ...clean.errors, stream_error } });
      expect(failures).toEqual([
        `${stream_error} stream_error counted for 2 error-event streams read to the end (0 aborted)`,
      ]);
    }
  });

  it("allow an aborted error-event stream to have been counted or not", () => {
    const aborted = { ...clean, streamErrorRequests: { completed: 2, aborted: 1 } };
    expect(checkInvariants({ ...aborted, errors: { ...clean.errors, stream_error: 3 } })).toEqual([]);
    expect(checkInvariants(aborted)).toEqual([]);
  });

  it("reject stream_error in the plain soak, which sends no error events", () => {
    const plain = {
      ...clean,
      options: { ...clean.options, hostile: false },
      seen: { "200": 9, "429": 1 },
      counted: { "200": 9, "429": 1 },
      errors: { rate_limit: 1, stream_error: 1 },
    };
    expect(checkInvariants(plain)).toEqual(["unexpected llm_errors_total types: stream_error"]);
  });
});
