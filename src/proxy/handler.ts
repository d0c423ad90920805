import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestMeter } from "../metrics/types.js";
import { clientClosedStatus, internalError, ProxyError } from "./proxy-error.js";
import { sendError } from "./send.js";

// What every handler shares: its signature, the client's query, and the answer to a failure before any
// upstream byte reached the client.

/** `keyName`: the name of the client key the route's guard matched (openAccess without client keys). */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, keyName: string) => Promise<void>;

/**
 * The request's query string as sent (`?api-version=...` for Azure OpenAI), appended to the route's own
 * path: the client chooses the query, never the upstream path.
 */
export function queryOf(url: string | undefined): string {
  const start = url?.indexOf("?") ?? -1;
  return url === undefined || start < 0 ? "" : url.slice(start);
}

/** Answers a failure that happened before any upstream byte reached the client, and counts it once. */
export function failBeforeResponse(
  res: ServerResponse,
  meter: RequestMeter,
  err: unknown,
  onInternalError: (err: unknown) => void,
): void {
  if (meter.finished) return;
  const error = err instanceof ProxyError ? err : undefined;
  if (error === undefined) onInternalError(err);
  // A connection already gone (the client left, or the server closed it on a parse error) gets no answer:
  // the request counts as the client saw it, not as the answer that was never sent.
  if (error?.status === clientClosedStatus || res.destroyed || res.socket?.destroyed === true) {
    meter.finish(clientClosedStatus);
    return;
  }
  const answered = error ?? internalError(err);
  sendError(res, answered);
  meter.finish(answered.status, answered.metric);
}
