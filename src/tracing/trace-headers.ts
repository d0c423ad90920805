import type { IncomingHttpHeaders } from "node:http";
import type { TextMapGetter, TextMapSetter } from "@opentelemetry/api";

/** Reads W3C trace context from Node's (lower-cased) request headers. */
export const incomingHeaders: TextMapGetter<IncomingHttpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()],
};

export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

export const traceHeadersSetter: TextMapSetter<TraceHeaders> = {
  set: (carrier, key, value) => {
    if (key === "traceparent" || key === "tracestate") carrier[key] = value;
  },
};

const contextHeaders = new Set(["traceparent", "tracestate"]);

/**
 * A flat [name, value, ...] header list with the client's trace context replaced by the proxy span's,
 * so that an upstream that traces joins the trace under the proxy's span: the client's traceparent
 * names the client's span, which is the proxy span's parent, not the upstream's.
 * https://www.w3.org/TR/trace-context/#mutating-the-traceparent-field
 */
export function withTraceHeaders(headers: readonly string[], context: TraceHeaders): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    if (!contextHeaders.has(name.toLowerCase())) out.push(name, headers[i + 1] as string);
  }
  if (context.traceparent !== undefined) out.push("traceparent", context.traceparent);
  if (context.tracestate !== undefined) out.push("tracestate", context.tracestate);
  return out;
}
