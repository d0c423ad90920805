import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener, type HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { type Context, Hono } from "hono";
import type { Registry } from "prom-client";
import type { Endpoint, Recorder } from "./metrics/types.js";
import { createAskHandler } from "./proxy/ask-handler.js";
import type { ClientAuth } from "./proxy/client-auth.js";
import {
  createMeteredHandler,
  failBeforeResponse,
  type MeteredDeps,
  type NodeHandler,
} from "./proxy/metered-handler.js";
import { createPassThroughHandler } from "./proxy/pass-through-handler.js";
import { methodNotAllowed, notFound, type ProxyError, unauthorized } from "./proxy/proxy-error.js";
import type { Upstream } from "./proxy/upstream.js";
import { chatExtractor } from "./usage/chat.js";
import { completionsExtractor } from "./usage/completions.js";
import { embeddingsExtractor } from "./usage/embeddings.js";
import { responsesExtractor } from "./usage/responses.js";
import type { UsageEstimator } from "./usage/types.js";

export interface AppDeps {
  readonly upstream: Upstream;
  readonly recorder: Recorder;
  readonly registry: Registry;
  readonly clientAuth: ClientAuth;
  readonly metricsAllowed: (headers: HttpBindings["incoming"]["headers"]) => boolean;
  readonly estimator: UsageEstimator | undefined;
  readonly maxBodyBytes: number;
  readonly defaultModel: string;
  /** False once shutdown has begun, so a load balancer stops sending new work. */
  readonly isReady: () => boolean;
  readonly onInternalError: (err: unknown) => void;
}

type Env = { Bindings: HttpBindings };

const meteredRoutes = [
  {
    endpoint: "chat_completions",
    path: "/v1/chat/completions",
    extractor: chatExtractor,
    injectsUsage: true,
  },
  { endpoint: "completions", path: "/v1/completions", extractor: completionsExtractor, injectsUsage: true },
  { endpoint: "responses", path: "/v1/responses", extractor: responsesExtractor, injectsUsage: false },
  { endpoint: "embeddings", path: "/v1/embeddings", extractor: embeddingsExtractor, injectsUsage: false },
] as const;

const endpointOf = (path: string): Endpoint =>
  path === "/ask" ? "ask" : (meteredRoutes.find((route) => route.path === path)?.endpoint ?? "other");

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The server's listener. The metered POST endpoints are found by one Map lookup and run on Node's own
 * request and response; every other path goes through Hono. Hono's router and its web-Request bridge
 * cost 16-38 µs per request under load, a sixth of the proxy's whole budget over a bare pass-through
 * (bench/results/profile.md); the routes below stay the reference, and reach the same handlers.
 */
export function createRequestListener(deps: AppDeps): RequestListener {
  const hotPaths = createMeteredHandlers(deps);
  const viaHono = getRequestListener(createApp(deps, hotPaths).fetch, {
    overrideGlobalObjects: false,
    autoCleanupIncoming: false,
  });
  return function requestListener(req, res) {
    const handler = req.method === "POST" ? hotPaths.get(req.url ?? "") : undefined;
    if (handler === undefined) {
      void viaHono(req, res);
    } else if (!deps.clientAuth.allows(req.headers)) {
      const endpoint = endpointOf(req.url ?? "");
      failBeforeResponse(res, deps.recorder.begin(endpoint), unauthorized(), deps.onInternalError);
    } else {
      handler(req, res).catch(deps.onInternalError);
    }
  };
}

const meteredDepsOf = (deps: AppDeps): MeteredDeps => ({ ...deps, auth: deps.clientAuth.upstream });

/** One handler per metered path, shared by the hot path and Hono's routes. */
function createMeteredHandlers(deps: AppDeps): ReadonlyMap<string, NodeHandler> {
  const metered = meteredDepsOf(deps);
  return new Map(meteredRoutes.map((route) => [route.path, createMeteredHandler(metered, route)]));
}

/** Routes only: every dependency comes in, nothing is opened or read at import time. */
export function createApp(
  deps: AppDeps,
  handlers: ReadonlyMap<string, NodeHandler> = createMeteredHandlers(deps),
): Hono<Env> {
  const app = new Hono<Env>();
  const metered = meteredDepsOf(deps);
  const node = (handler: NodeHandler) => async (c: Context<Env>) => {
    await handler(c.env.incoming, c.env.outgoing);
    return RESPONSE_ALREADY_SENT;
  };
  const refuse = (endpoint: Endpoint, error: ProxyError) => (c: Context<Env>) => {
    failBeforeResponse(c.env.outgoing, deps.recorder.begin(endpoint), error, deps.onInternalError);
    return RESPONSE_ALREADY_SENT;
  };

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", (c) =>
    deps.isReady() ? c.json({ status: "ready" }) : c.json({ status: "shutting_down" }, 503),
  );
  app.get("/metrics", async (c) => {
    if (!deps.metricsAllowed(c.env.incoming.headers)) {
      return c.body(unauthorized().toBody(), 401, { "content-type": "application/json" });
    }
    const text = await deps.registry.metrics();
    return c.body(text, 200, { "content-type": deps.registry.contentType });
  });

  const requireClientKey = async (c: Context<Env>, next: () => Promise<void>) => {
    if (deps.clientAuth.allows(c.env.incoming.headers)) return next();
    return refuse(endpointOf(c.req.path), unauthorized())(c);
  };
  for (const path of ["/healthz", "/readyz", "/metrics"]) {
    app.all(path, (c) => refuse("other", methodNotAllowed(c.req.method, "GET"))(c));
  }
  app.use("/v1/*", requireClientKey);
  app.use("/ask", requireClientKey);
  app.post("/ask", node(createAskHandler(metered, deps.defaultModel)));
  app.all("/ask", (c) => refuse("ask", methodNotAllowed(c.req.method, "POST"))(c));
  for (const [path, handler] of handlers) app.post(path, node(handler));
  app.all("/v1/*", node(createPassThroughHandler(metered)));
  app.notFound((c) => refuse("other", notFound())(c));
  return app;
}
