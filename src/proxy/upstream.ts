import { Agent } from "undici";
import type { Config } from "../config/config.js";

export interface Upstream {
  readonly dispatcher: Agent;
  readonly origin: string;
  /** The upstream path for a proxy path under /v1, e.g. /v1/chat/completions → /v1/chat/completions. */
  pathFor(proxyPath: string): string;
  close(): Promise<void>;
}

/**
 * One keep-alive pool for the process, built at start-up. The timeouts are OPENAI_TIMEOUT: the wait for
 * response headers and the longest silence between two body chunks, never a deadline on a whole stream.
 * https://undici.nodejs.org/#/docs/api/Agent
 */
export function createUpstream(
  config: Pick<Config, "upstreamBaseUrl" | "upstreamTimeoutMs" | "upstreamConnections">,
): Upstream {
  const base = new URL(config.upstreamBaseUrl);
  const prefix = base.pathname.replace(/\/+$/, "");
  const dispatcher = new Agent({
    connections: config.upstreamConnections,
    headersTimeout: config.upstreamTimeoutMs,
    bodyTimeout: config.upstreamTimeoutMs,
    keepAliveTimeout: 30_000,
    connect: { timeout: Math.min(config.upstreamTimeoutMs, 30_000) },
  });
  return {
    dispatcher,
    origin: base.origin,
    pathFor: (proxyPath) => prefix + proxyPath.slice("/v1".length),
    close: () => dispatcher.close(),
  };
}
