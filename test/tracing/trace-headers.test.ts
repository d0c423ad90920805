import { describe, expect, it } from "vitest";
import { withTraceHeaders } from "../../src/tracing/trace-headers.js";

describe("withTraceHeaders", () => {
  it("replaces the client's trace context, whatever its case, and keeps every other header in order", () => {
    const headers = [
      "Content-Type",
      "application/json",
      "TraceParent",
      "00-client",
      "x-a",
      "1",
      "tracestate",
      "c=1",
    ];
    expect(withTraceHeaders(headers, { traceparent: "00-proxy", tracestate: "p=2" })).toEqual([
      "Content-Type",
      "application/json",
      "x-a",
      "1",
      "traceparent",
      "00-proxy",
      "tracestate",
      "p=2",
    ]);
  });

  it("adds no tracestate when the span has none", () => {
    expect(withTraceHeaders(["x-a", "1"], { traceparent: "00-proxy" })).toEqual([
      "x-a",
      "1",
      "traceparent",
      "00-proxy",
    ]);
  });
});
