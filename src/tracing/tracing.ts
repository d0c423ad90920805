import { type Attributes, ROOT_CONTEXT, SpanKind } from "@opentelemetry/api";
import type { TracingConfig } from "../config/tracing.js";
import { operationNames } from "./gen-ai-attributes.js";
import { loadTracingSdk } from "./load-sdk.js";
import { RequestSpan } from "./request-span.js";
import { incomingHeaders } from "./trace-headers.js";
import type { IncomingRequest, Tracing } from "./types.js";

/** server.address and server.port of the upstream, the same for every span. */
function serverAttributes(upstream: URL): Attributes {
  const port = Number(upstream.port) || (upstream.protocol === "https:" ? 443 : 80);
  return { "server.address": upstream.hostname.replace(/^\[|\]$/g, ""), "server.port": port };
}

/**
 * Starts the SDK and returns what the proxy needs of it. A metered request's span follows the GenAI
 * conventions (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/); a pass-through
 * request gets an HTTP client span (https://opentelemetry.io/docs/specs/semconv/http/http-spans/).
 * Both are CLIENT spans: the proxy calls the model on its client's behalf.
 */
export async function startTracing(
  config: TracingConfig,
  upstreamBaseUrl: string,
  onExportError: (err: unknown) => void,
): Promise<Tracing> {
  const sdk = await loadTracingSdk(config, onExportError);
  const upstream = new URL(upstreamBaseUrl);
  const server = serverAttributes(upstream);
  const prefix = upstream.pathname.replace(/\/+$/, "");
  const genAi = (operation: string): Attributes => ({
    "gen_ai.operation.name": operation,
    "gen_ai.provider.name": "openai",
    // The name older backends and dashboards still look for, beside its replacement above.
    "gen_ai.system": "openai",
    ...server,
  });
  const http = (req: IncomingRequest): Attributes => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    return {
      "http.request.method": req.method ?? "GET",
      // The query is left out: a deployment may carry a credential there.
      "url.full": `${upstream.origin}${prefix}${path.startsWith("/v1/") ? path.slice(3) : path}`,
      ...server,
    };
  };
  return {
    begin(endpoint, req, startTime) {
      const parent = sdk.propagator.extract(ROOT_CONTEXT, req.headers, incomingHeaders);
      const operation = operationNames[endpoint];
      const name = operation ?? req.method ?? "HTTP";
      const attributes = operation === undefined ? http(req) : genAi(operation);
      const span = sdk.tracer.startSpan(name, { kind: SpanKind.CLIENT, startTime, attributes }, parent);
      return new RequestSpan(span, operation, startTime, sdk.propagator);
    },
    forceFlush: () => sdk.forceFlush(),
    shutdown: () => sdk.shutdown(),
  };
}
