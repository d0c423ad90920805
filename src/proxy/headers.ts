import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { attributionHeaderPrefix } from "../attribution/request-values.js";

// Hop-by-hop headers belong to one connection and are never forwarded:
// https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

// Set by the proxy itself: host and length describe the upstream request, and the upstream is asked for
// an identity encoding so that the side parser reads plain bytes and a stream is never held back to be
// compressed.
const setByProxy = new Set(["host", "content-length", "accept-encoding", "expect"]);
const credentials = new Set(["authorization", "api-key"]);

export interface UpstreamAuth {
  /** Replaces the client's credentials (PROXY_API_KEYS mode), or fills them in when the client sent none. */
  readonly authorization: string | undefined;
  readonly replaceClientCredentials: boolean;
}

// Almost every request says just one of these, which names no other header: no set to build.
const plainConnection = /^\s*(?:keep-alive|close)\s*$/i;

function connectionTokens(headers: IncomingHttpHeaders): Set<string> | undefined {
  const value = headers.connection;
  if (value === undefined || plainConnection.test(value)) return undefined;
  return new Set(value.split(",").map((token) => token.trim().toLowerCase()));
}

/** The request headers for the upstream, as a flat [name, value, …] list in the client's order. */
export function upstreamRequestHeaders(
  req: IncomingMessage,
  auth: UpstreamAuth,
  contentLength?: number,
): string[] {
  const raw = req.rawHeaders;
  const named = connectionTokens(req.headers);
  const out: string[] = [];
  let hasAuthorization = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || setByProxy.has(lower) || named?.has(lower)) continue;
    // The proxy's own attribution headers are for the proxy alone.
    if (lower.startsWith(attributionHeaderPrefix)) continue;
    if (credentials.has(lower)) {
      if (auth.replaceClientCredentials) continue;
      hasAuthorization ||= lower === "authorization" || lower === "api-key";
    }
    out.push(name, raw[i + 1] as string);
  }
  if (!hasAuthorization && auth.authorization !== undefined) out.push("authorization", auth.authorization);
  if (contentLength !== undefined) out.push("content-length", String(contentLength));
  out.push("accept-encoding", "identity");
  return out;
}

export interface ResponseHeaderOptions {
  /** The body is rewritten (usage stripped), so the upstream's length would be stale. */
  readonly dropContentLength: boolean;
  readonly stream: boolean;
  /** The proxy decodes a compressed body, so the client gets it plain and of a new length. */
  readonly decoded?: boolean;
}

/** The upstream's response headers for the client, as a flat list for `writeHead`. */
export function clientResponseHeaders(
  headers: IncomingHttpHeaders,
  options: ResponseHeaderOptions,
): string[] {
  const named = connectionTokens(headers);
  const out: string[] = [];
  for (const name in headers) {
    if (hopByHop.has(name) || named?.has(name)) continue;
    if ((options.dropContentLength || options.decoded) && name === "content-length") continue;
    if (options.decoded && name === "content-encoding") continue;
    if (options.stream && (name === "cache-control" || name === "x-accel-buffering")) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) out.push(name, item);
    else out.push(name, value);
  }
  // Keeps intermediaries such as nginx from buffering or caching the event stream.
  if (options.stream) out.push("cache-control", "no-cache", "x-accel-buffering", "no");
  return out;
}
