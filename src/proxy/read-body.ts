import type { IncomingMessage } from "node:http";
import { type Readable, Transform } from "node:stream";
import { bodyTooLarge, clientClosed } from "./proxy-error.js";

/** Collects a request body up to `limit` bytes; a larger one is refused with 413 without reading it all. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) return Promise.reject(bodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(clientClosed(err));
    };
    const onAborted = () => onError(new Error("aborted"));
    const cleanup = () => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("aborted", onAborted);
    };
    req.on("data", onData).on("end", onEnd).on("error", onError).on("aborted", onAborted);
  });
}

/**
 * A body streamed on as it arrives that fails with 413 once it passes `limit` bytes: a chunked upload
 * declares no length, so it can only be counted. The client's stream is never destroyed here, so that
 * the 413 can still be answered on its socket.
 */
export function limitBody(req: IncomingMessage, limit: number): Readable {
  let size = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size <= limit) return callback(null, chunk);
      req.unpipe(limited);
      callback(bodyTooLarge(limit));
    },
  });
  const onError = (err: Error) => limited.destroy(clientClosed(err));
  req.on("error", onError).on("aborted", () => onError(new Error("aborted")));
  return req.pipe(limited);
}
