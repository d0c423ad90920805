import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { UpstreamAuth } from "./headers.js";

export interface ClientAuth {
  /** True when the request may use the proxy: always, unless PROXY_API_KEYS is set. */
  allows(headers: IncomingHttpHeaders): boolean;
  readonly upstream: UpstreamAuth;
}

const digest = (value: string): Buffer => createHash("sha256").update(value).digest();

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match?.[1]?.trim();
  }
  const apiKey = headers["api-key"];
  return typeof apiKey === "string" ? apiKey.trim() : undefined;
}

/**
 * With PROXY_API_KEYS set the proxy is no open relay: a client must show one of those keys, and the
 * upstream then gets the proxy's own OPENAI_API_KEY. Keys are compared as digests in constant time so
 * the comparison leaks neither a key's length nor its prefix.
 */
export function createClientAuth(
  proxyApiKeys: readonly string[],
  openaiApiKey: string | undefined,
): ClientAuth {
  const ownAuthorization = openaiApiKey === undefined ? undefined : `Bearer ${openaiApiKey}`;
  if (proxyApiKeys.length === 0) {
    return {
      allows: () => true,
      upstream: { authorization: ownAuthorization, replaceClientCredentials: false },
    };
  }
  const digests = proxyApiKeys.map(digest);
  return {
    allows(headers) {
      const key = presentedKey(headers);
      if (key === undefined || key === "") return false;
      const presented = digest(key);
      let match = false;
      for (const known of digests) match = timingSafeEqual(known, presented) || match;
      return match;
    },
    upstream: { authorization: ownAuthorization, replaceClientCredentials: true },
  };
}

/** Bearer check for /metrics when METRICS_TOKEN is set. */
export function createTokenCheck(token: string | undefined): (headers: IncomingHttpHeaders) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(`Bearer ${token}`);
  return (headers) => timingSafeEqual(expected, digest(headers.authorization?.trim() ?? ""));
}
