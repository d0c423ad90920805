import type { AttributeValue, ReceivedSpan } from "./otlp-spans.js";

/**
 * A decoder of OTLP/HTTP protobuf trace exports, written from the message definitions in
 * opentelemetry-proto (collector/trace/v1/trace_service.proto, trace/v1/trace.proto,
 * common/v1/common.proto), independently of the exporter's own serializer so that it can catch it.
 * Wire format: https://protobuf.dev/programming-guides/encoding/
 */
type Field = {
  readonly number: number;
  readonly wire: number;
  readonly varint?: bigint;
  readonly bytes?: Buffer;
};

function readVarint(buf: Buffer, at: { pos: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (at.pos >= buf.length) throw new Error("protobuf: truncated varint");
    const byte = buf[at.pos++] as number;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7n;
  }
}

/** Every field of one message, in order; repeated fields appear once per element. */
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  const at = { pos: 0 };
  while (at.pos < buf.length) {
    const tag = Number(readVarint(buf, at));
    const number = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ number, wire, varint: readVarint(buf, at) });
    else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      out.push({ number, wire, bytes: buf.subarray(at.pos, at.pos + size) });
      at.pos += size;
    } else if (wire === 2) {
      const length = Number(readVarint(buf, at));
      out.push({ number, wire, bytes: buf.subarray(at.pos, at.pos + length) });
      at.pos += length;
    } else throw new Error(`protobuf: unexpected wire type ${wire}`);
  }
  return out;
}

const all = (msg: Field[], number: number): Buffer[] =>
  msg.filter((f) => f.number === number && f.bytes !== undefined).map((f) => f.bytes as Buffer);
const one = (msg: Field[], number: number): Field | undefined => msg.findLast((f) => f.number === number);
const text = (msg: Field[], number: number): string => one(msg, number)?.bytes?.toString("utf8") ?? "";
const hex = (msg: Field[], number: number): string => one(msg, number)?.bytes?.toString("hex") ?? "";

function anyValue(buf: Buffer): AttributeValue {
  const field = fields(buf)[0];
  if (field === undefined) return undefined;
  switch (field.number) {
    case 1:
      return field.bytes?.toString("utf8");
    case 2:
      return field.varint !== 0n;
    case 3:
      return Number(BigInt.asIntN(64, field.varint ?? 0n));
    case 4:
      return field.bytes?.readDoubleLE(0);
    case 5:
      return all(fields(field.bytes as Buffer), 1).map(anyValue) as AttributeValue;
    default:
      throw new Error(`protobuf: AnyValue field ${field.number} is not expected in a span`);
  }
}

function keyValues(buffers: Buffer[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const buf of buffers) {
    const kv = fields(buf);
    const value = all(kv, 2)[0];
    out[text(kv, 1)] = value === undefined ? undefined : anyValue(value);
  }
  return out;
}

function span(buf: Buffer, resource: Record<string, AttributeValue>, scope: string): ReceivedSpan {
  const msg = fields(buf);
  const status = fields(all(msg, 15)[0] ?? Buffer.alloc(0));
  return {
    traceId: hex(msg, 1),
    spanId: hex(msg, 2),
    traceState: text(msg, 3),
    parentSpanId: hex(msg, 4),
    name: text(msg, 5),
    kind: Number(one(msg, 6)?.varint ?? 0n),
    startTimeUnixNano: one(msg, 7)?.bytes?.readBigUInt64LE(0) ?? 0n,
    endTimeUnixNano: one(msg, 8)?.bytes?.readBigUInt64LE(0) ?? 0n,
    attributes: keyValues(all(msg, 9)),
    status: { code: Number(one(status, 3)?.varint ?? 0n), message: text(status, 2) },
    resource,
    scope,
  };
}

/** The spans of one ExportTraceServiceRequest. */
export function decodeProtobufExport(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of all(fields(body), 1)) {
    const rs = fields(resourceSpans);
    const resource = keyValues(all(fields(all(rs, 1)[0] ?? Buffer.alloc(0)), 1));
    for (const scopeSpans of all(rs, 2)) {
      const ss = fields(scopeSpans);
      const scope = text(fields(all(ss, 1)[0] ?? Buffer.alloc(0)), 1);
      for (const each of all(ss, 2)) spans.push(span(each, resource, scope));
    }
  }
  return spans;
}
