import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeProtobufExport } from "./otlp-protobuf.js";
import { decodeJsonExport, type ReceivedSpan } from "./otlp-spans.js";

export interface ReceivedExport {
  readonly path: string;
  readonly contentType: string;
  readonly headers: IncomingHttpHeaders;
  readonly spans: readonly ReceivedSpan[];
}

/** An OTLP/HTTP trace receiver on a loopback port, decoding both encodings into the same shape. */
export interface OtlpReceiver {
  /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it; spans are expected at /v1/traces. */
  readonly url: string;
  readonly exports: readonly ReceivedExport[];
  spans(): ReceivedSpan[];
  /** Resolves once `count` spans match, or rejects with what did arrive after `ms`. */
  waitForSpans(
    predicate: (span: ReceivedSpan) => boolean,
    count?: number,
    ms?: number,
  ): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

function decode(contentType: string, body: Buffer): ReceivedSpan[] {
  if (contentType.startsWith("application/x-protobuf")) return decodeProtobufExport(body);
  if (contentType.startsWith("application/json")) return decodeJsonExport(body);
  throw new Error(`OTLP receiver: unexpected content-type ${contentType}`);
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const exports: ReceivedExport[] = [];
  const errors: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const contentType = req.headers["content-type"] ?? "";
      try {
        const spans = decode(contentType, Buffer.concat(chunks));
        exports.push({ path: req.url ?? "", contentType, headers: req.headers, spans });
        // An empty ExportTraceServiceResponse in the request's own encoding means full success.
        res.writeHead(200, { "content-type": contentType.split(";")[0] ?? "" });
        res.end(contentType.startsWith("application/json") ? "{}" : undefined);
      } catch (err) {
        errors.push(String(err));
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const spans = () => exports.flatMap((each) => each.spans);
  return {
    url: `http://127.0.0.1:${port}`,
    exports,
    spans,
    async waitForSpans(predicate, count = 1, ms = 10_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = spans().filter(predicate);
        if (found.length >= count) return found;
        if (Date.now() > deadline || errors.length > 0) {
          const names = spans().map((s) => s.name);
          throw new Error(
            `OTLP receiver: ${found.length}/${count} spans; got ${names.join(", ")}; ${errors}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
