import type { IncomingHttpHeaders } from "node:http";
import { pipeline, type Readable, type Transform } from "node:stream";
import { constants, createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

// Each decoder hands on what it can decode of every chunk at once, so a compressed stream is not held
// back: https://nodejs.org/docs/latest-v20.x/api/zlib.html#flushing
const decoders: Readonly<Record<string, () => Transform>> = {
  gzip: () => createGunzip({ flush: constants.Z_SYNC_FLUSH }),
  "x-gzip": () => createGunzip({ flush: constants.Z_SYNC_FLUSH }),
  deflate: () => createInflate({ flush: constants.Z_SYNC_FLUSH }),
  br: () => createBrotliDecompress({ flush: constants.BROTLI_OPERATION_FLUSH }),
};

/** How a metered response body is encoded: plain, compressed in a way the proxy reads, or neither. */
export type BodyEncoding = "identity" | "decodable" | "unknown";

function encodingName(headers: IncomingHttpHeaders): string {
  return String(headers["content-encoding"] ?? "identity")
    .trim()
    .toLowerCase();
}

export function bodyEncoding(headers: IncomingHttpHeaders): BodyEncoding {
  const name = encodingName(headers);
  if (name === "identity" || name === "") return "identity";
  return decoders[name] === undefined ? "unknown" : "decodable";
}

/**
 * The body decoded, for an upstream that compressed it although the proxy asked for identity (a gateway
 * in front of it may): the usage filter and the observer need plain bytes. The decoded stream ends,
 * fails and is destroyed together with the upstream's.
 */
export function decodeBody(body: Readable, headers: IncomingHttpHeaders): Readable {
  const decoder = decoders[encodingName(headers)]?.();
  if (decoder === undefined) return body;
  return pipeline(body, decoder, () => undefined);
}
