import type { IncomingMessage } from "node:http";
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
