export type AttributeValue = string | number | boolean | AttributeValue[] | undefined;

/** One exported span, the same shape whichever OTLP encoding carried it. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** OTLP's StatusCode: 0 unset, 1 ok, 2 error. */
  readonly status: { readonly code: number; readonly message: string };
  readonly resource: Readonly<Record<string, AttributeValue>>;
  readonly scope: string;
}

type Json = Record<string, unknown>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const str = (value: unknown): string => (typeof value === "string" ? value : "");

function anyValue(value: Json | undefined): AttributeValue {
  if (value === undefined) return undefined;
  if ("stringValue" in value) return str(value.stringValue);
  if ("boolValue" in value) return value.boolValue === true;
  // int64 travels as a decimal string or a number: https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return Number(value.doubleValue);
  if ("arrayValue" in value) return list((value.arrayValue as Json).values).map(anyValue) as AttributeValue;
  throw new Error(`OTLP/JSON: unexpected AnyValue ${JSON.stringify(value)}`);
}

function keyValues(items: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list(items)) out[str(kv.key)] = anyValue(kv.value as Json | undefined);
  return out;
}

/**
 * The spans of one OTLP/JSON ExportTraceServiceRequest. Its ids are hex strings, not base64, and its
 * enums integers: https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
 */
export function decodeJsonExport(body: Buffer): ReceivedSpan[] {
  const request = JSON.parse(body.toString("utf8")) as Json;
  return list(request.resourceSpans).flatMap((rs) => {
    const resource = keyValues((rs.resource as Json | undefined)?.attributes);
    return list(rs.scopeSpans).flatMap((ss) =>
      list(ss.spans).map((s) => {
        const status = (s.status ?? {}) as Json;
        return {
          traceId: str(s.traceId),
          spanId: str(s.spanId),
          traceState: str(s.traceState),
          parentSpanId: str(s.parentSpanId),
          name: str(s.name),
          kind: Number(s.kind ?? 0),
          startTimeUnixNano: BigInt(str(s.startTimeUnixNano) || String(s.startTimeUnixNano ?? 0)),
          endTimeUnixNano: BigInt(str(s.endTimeUnixNano) || String(s.endTimeUnixNano ?? 0)),
          attributes: keyValues(s.attributes),
          status: { code: Number(status.code ?? 0), message: str(status.message) },
          resource,
          scope: str((ss.scope as Json | undefined)?.name),
        };
      }),
    );
  });
}
