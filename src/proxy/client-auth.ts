import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { ClientKey } from "../config/client-keys.js";
import type { UpstreamAuth } from "./headers.js";

export interface ClientAuth {
  /**
   * The name of the key the request shows, or undefined when it is refused; `openAccess` when no client
   * keys are configured.
   */
  identify(headers: IncomingHttpHeaders): string | undefined;
  readonly upstream: UpstreamAuth;
}

/** What `identify` answers when no client keys are configured and every request is let through. */
export const openAccess = "";

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
 * With client keys configured the proxy is no open relay: a client must show one of them, and the
 * upstream then gets the proxy's own OPENAI_API_KEY. Keys are compared as SHA-256 digests in constant
 * time, every known key each time, so the comparison leaks neither a key's length, its prefix, nor which
 * entry matched; a keys file may hold the digests alone.
 */
export function createClientAuth(
  clientKeys: readonly ClientKey[],
  openaiApiKey: string | undefined,
): ClientAuth {
  const ownAuthorization = openaiApiKey === undefined ? undefined : `Bearer ${openaiApiKey}`;
  if (clientKeys.length === 0) {
    return {
      identify: () => openAccess,
      upstream: { authorization: ownAuthorization, replaceClientCredentials: false },
    };
  }
  const identify = (headers: IncomingHttpHeaders): string | undefined => {
    const key = presentedKey(headers);
    if (key === undefined || key === "") return undefined;
    const presented = digest(key);
    let name: string | undefined;
    for (const known of clientKeys) if (timingSafeEqual(known.sha256, presented)) name = known.name;
    return name;
  };
  return {
    identify,
    upstream: { authorization: ownAuthorization, replaceClientCredentials: true },
  };
}

/** Bearer check for /metrics when METRICS_TOKEN is set. */
export function createTokenCheck(token: string | undefined): (headers: IncomingHttpHeaders) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(`Bearer ${token}`);
  return (headers) => timingSafeEqual(expected, digest(headers.authorization?.trim() ?? ""));
}
