import type { ServerResponse } from "node:http";
import type { ProxyError } from "./proxy-error.js";

/** Writes a JSON answer of the proxy's own (never an upstream's bytes). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendError(res: ServerResponse, error: ProxyError): void {
  const headers: Record<string, string> = error.allow === undefined ? {} : { allow: error.allow };
  // A refused body was not read to its end (413), or not sent yet (417); closing ends the exchange.
  if (error.status === 413 || error.status === 417) headers.connection = "close";
  sendJson(res, error.status, error.toBody(), headers);
}
