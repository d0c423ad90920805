import type { IncomingHttpHeaders } from "node:http";
import type { Transform } from "node:stream";
import { constants, createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { BodyHandlers, UpstreamBody } from "./upstream-exchange.js";

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
 * in front of it may): the usage filter and the observer need plain bytes. The decoder's own buffer
 * pauses the upstream when the reader pauses it; a failure of either fails the decoded body once.
 */
export function decodeBody(body: UpstreamBody, headers: IncomingHttpHeaders): UpstreamBody {
  const decoder = decoders[encodingName(headers)]?.();
  if (decoder === undefined) return body;
  return {
    read: (handlers) => readDecoded(body, decoder, handlers),
    pause: () => decoder.pause(),
    resume: () => decoder.resume(),
    destroy() {
      decoder.destroy();
      body.destroy();
    },
  };
}

function readDecoded(body: UpstreamBody, decoder: Transform, handlers: BodyHandlers): void {
  let failed = false;
  const fail = (err: Error) => {
    if (failed) return;
    failed = true;
    decoder.destroy();
    handlers.error(err);
  };
  decoder.on("data", (chunk: Buffer) => handlers.data(chunk));
  decoder.on("end", () => handlers.end());
  decoder.on("error", (err) => {
    body.destroy();
    fail(err);
  });
  body.read({
    data(chunk) {
      if (decoder.write(chunk)) return;
      body.pause();
      decoder.once("drain", () => body.resume());
    },
    end: () => decoder.end(),
    error: fail,
  });
}
