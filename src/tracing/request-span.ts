import { performance } from "node:perf_hooks";
import {
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  type TextMapPropagator,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import type { RequestRecord } from "../metrics/types.js";
import type { Json } from "../usage/json.js";
import { recordAttributes, requestAttributes, responseAttributes } from "./gen-ai-attributes.js";
import { type TraceHeaders, traceHeadersSetter, withTraceHeaders } from "./trace-headers.js";
import type { RequestTrace, ResponseInfo } from "./types.js";

/**
 * The span of one request. `operation` is the GenAI operation of a metered endpoint; a pass-through
 * request has none and keeps the plain HTTP span it started as. Attributes are only computed for a
 * recording span: an unsampled request costs a span context and nothing more.
 */
export class RequestSpan implements RequestTrace {
  readonly exemplar: Readonly<Record<string, string>> | undefined;
  private info: ResponseInfo = {};
  private ended = false;

  constructor(
    private readonly span: Span,
    private readonly operation: string | undefined,
    private readonly startTime: number,
    private readonly propagator: TextMapPropagator,
  ) {
    const { traceId, spanId, traceFlags } = span.spanContext();
    // An exemplar must lead to a trace that was exported, so unsampled requests get none.
    const sampled = (traceFlags & TraceFlags.SAMPLED) !== 0;
    this.exemplar = sampled ? { trace_id: traceId, span_id: spanId } : undefined;
  }

  request(model: string, body: Json): void {
    if (this.operation === undefined || !this.span.isRecording()) return;
    const attributes = requestAttributes(model, body);
    this.span.updateName(`${this.operation} ${attributes["gen_ai.request.model"]}`);
    this.span.setAttributes(attributes);
  }

  response(info: ResponseInfo): void {
    this.info = { ...this.info, ...info };
  }

  upstreamHeaders(headers: string[]): string[] {
    const carrier: TraceHeaders = {};
    this.propagator.inject(trace.setSpan(ROOT_CONTEXT, this.span), carrier, traceHeadersSetter);
    return withTraceHeaders(headers, carrier);
  }

  finished(record: RequestRecord): void {
    if (this.ended) return;
    this.ended = true;
    if (this.span.isRecording()) {
      this.span.setAttributes({ ...responseAttributes(this.info), ...recordAttributes(record) });
      if (record.errorType !== undefined) this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    // The span lasts exactly the latency the histogram observed (a performance.now() time, never later
    // than now, which the SDK would take for an epoch time).
    this.span.end(Math.min(this.startTime + record.latencySeconds * 1000, performance.now()));
  }
}
