import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener, type HttpBindings, RequestError } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { type Context, Hono } from "hono";
import type { Attributor } from "./attribution/attributor.js";
import type { MetricsExposer } from "./metrics/exposition.js";
import type { Endpoint, Recorder } from "./metrics/types.js";
import { createAskHandler } from "./proxy/ask-handler.js";
import { beginRequest } from "./proxy/begin-request.js";
import { type ClientAuth, openAccess } from "./proxy/client-auth.js";
import { failBeforeResponse, type NodeHandler } from "./proxy/handler.js";
import { createMeteredHandler } from "./proxy/metered-handler.js";
import { createPassThroughHandler } from "./proxy/pass-through-handler.js";
import {
  internalError,
  invalidPath,
  invalidRequestTarget,
  methodNotAllowed,
  missingHost,
  notFound,
  unauthorized,
} from "./proxy/proxy-error.js";
import { climbsOut } from "./proxy/request-target.js";
import { sendJson } from "./proxy/send.js";
import type { Upstream } from "./proxy/upstream.js";
import type { Tracing } from "./tracing/types.js";
import { chatExtractor } from "./usage/chat.js";
import { completionsExtractor } from "./usage/completions.js";
import { embeddingsExtractor } from "./usage/embeddings.js";
import { responsesExtractor } from "./usage/responses.js";
import type { UsageEstimator, UsageExtractor } from "./usage/types.js";

export interface AppDeps {
  readonly upstream: Upstream;
  readonly recorder: Recorder;
  readonly attributor: Attributor;
  /** Undefined while tracing is off. */
  readonly tracing: Tracing | undefined;
  readonly exposeMetrics: MetricsExposer;
  readonly clientAuth: ClientAuth;
  readonly metricsAllowed: (headers: HttpBindings["incoming"]["headers"]) => boolean;
  readonly estimator: UsageEstimator | undefined;
  readonly maxBodyBytes: number;
  readonly defaultModel: string;
  /** False once shutdown has begun, so a load balancer stops sending new work. */
  readonly isReady: () => boolean;
  readonly onInternalError: (err: unknown) => void;
}

/** One line of the route table. `path` is exact, or a prefix ending in `/*`; `ALL` takes any method. */
export interface Route {
  readonly method: "GET" | "POST" | "ALL";
  readonly path: string;
  /** The `endpoint` label a refusal of this route is counted under. */
  readonly endpoint: Endpoint;
  /** Whether the client must show one of PROXY_API_KEYS (when they are set). */
  readonly clientKey: boolean;
  /** Called with the name of the client key the guard matched (openAccess without client keys). */
  readonly handler: NodeHandler;
}

/** What the guard makes of a route's handler: the key already checked, and its name passed on. */
type GuardedHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
type GuardedRoute = Omit<Route, "handler"> & { readonly handler: GuardedHandler };

/**
 * Every route the proxy serves, declared once. The guard and the refusals are added around them by
 * `guardedRoutes`; Hono's routing and the listener's fast path are both generated from the result.
 * Scrapes and probes are not proxy traffic: their answers are not counted (a refused scrape is, like
 * every refusal), and /metrics checks METRICS_TOKEN itself.
 */
export function createRoutes(deps: AppDeps): readonly Route[] {
  const proxyDeps = { ...deps, auth: deps.clientAuth.upstream };
  const metered = (
    endpoint: Endpoint,
    path: string,
    extractor: UsageExtractor,
    injectsUsage: boolean,
  ): Route => {
    const handler = createMeteredHandler(proxyDeps, { endpoint, path, extractor, injectsUsage });
    return { method: "POST", path, endpoint, clientKey: true, handler };
  };
  const open = (path: string, handler: NodeHandler): Route => ({
    method: "GET",
    path,
    endpoint: "other",
    clientKey: false,
    handler,
  });
  return [
    open("/healthz", async (_req, res) => sendJson(res, 200, '{"status":"ok"}')),
    open("/readyz", async (_req, res) =>
      deps.isReady()
        ? sendJson(res, 200, '{"status":"ready"}')
        : sendJson(res, 503, '{"status":"shutting_down"}'),
    ),
    open("/metrics", async (req, res) => {
      if (!deps.metricsAllowed(req.headers)) return refuse(deps, res, "other", unauthorized());
      const { body, contentType } = await deps.exposeMetrics(req.headers.accept);
      sendJson(res, 200, body, { "content-type": contentType });
    }),
    metered("chat_completions", "/v1/chat/completions", chatExtractor, true),
    metered("completions", "/v1/completions", completionsExtractor, true),
    metered("responses", "/v1/responses", responsesExtractor, false),
    metered("embeddings", "/v1/embeddings", embeddingsExtractor, false),
    {
      method: "POST",
      path: "/ask",
      endpoint: "ask",
      clientKey: true,
      handler: createAskHandler(proxyDeps, deps.defaultModel),
    },
    // Every other /v1 path and method goes upstream as it is.
    {
      method: "ALL",
      path: "/v1/*",
      endpoint: "other",
      clientKey: true,
      handler: createPassThroughHandler(proxyDeps),
    },
  ];
}

const covers = (route: Route, path: string): boolean =>
  route.path.endsWith("/*") ? path.startsWith(route.path.slice(0, -1)) : route.path === path;

/**
 * The table with the client-key guard around each handler, and a 405 route for every exact path that
 * no `ALL` route covers (guarded like the path's own routes, so a client without a key learns nothing).
 */
function guardedRoutes(deps: AppDeps, routes: readonly Route[]): readonly GuardedRoute[] {
  const refusals: Route[] = [];
  for (const route of routes) {
    if (route.method === "ALL" || refusals.some((refusal) => refusal.path === route.path)) continue;
    if (routes.some((other) => other.method === "ALL" && covers(other, route.path))) continue;
    const allow = routes.filter((other) => other.path === route.path).map((other) => other.method);
    const handler: NodeHandler = async (req, res) =>
      refuse(deps, res, route.endpoint, methodNotAllowed(req.method ?? "", allow.join(", ")));
    refusals.push({ ...route, method: "ALL", handler });
  }
  return [...routes, ...refusals].map((route) => ({ ...route, handler: guard(deps, route) }));
}

function guard(deps: AppDeps, route: Route): GuardedHandler {
  if (!route.clientKey) return (req, res) => route.handler(req, res, openAccess);
  const { clientAuth } = deps;
  return (req, res) => {
    const keyName = clientAuth.identify(req.headers);
    return keyName === undefined
      ? Promise.resolve(refuse(deps, res, route.endpoint, unauthorized()))
      : route.handler(req, res, keyName);
  };
}

/**
 * A request the proxy answers itself with an error, counted once like any other. Anything thrown that
 * is not a ProxyError is a bug: logged, answered 500 `proxy_internal_error`.
 */
function refuse(deps: AppDeps, res: ServerResponse, endpoint: Endpoint, error: unknown): void {
  failBeforeResponse(res, beginRequest(deps, endpoint, res.req).meter, error, deps.onInternalError);
}

type Env = { Bindings: HttpBindings };

/** Hono's routes, generated from the guarded table: every dependency comes in, nothing is read at import. */
export function createApp(deps: AppDeps, routes: readonly Route[] = createRoutes(deps)): Hono<Env> {
  const app = new Hono<Env>();
  const node = (handler: GuardedHandler) => async (c: Context<Env>) => {
    await handler(c.env.incoming, c.env.outgoing);
    return RESPONSE_ALREADY_SENT;
  };
  for (const route of guardedRoutes(deps, routes)) {
    if (route.method === "ALL") app.all(route.path, node(route.handler));
    else app.on(route.method, route.path, node(route.handler));
  }
  app.notFound(node(async (_req, res) => refuse(deps, res, "other", notFound())));
  app.onError((err, c) => {
    refuse(deps, c.env.outgoing, "other", err);
    return RESPONSE_ALREADY_SENT;
  });
  return app;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The server's listener. A request for an exact path of the table (the metered POSTs above all) is
 * found by one Map lookup and runs on Node's own request and response; everything else goes through
 * Hono. Hono's router and its web-Request bridge cost 16-38 µs per request under load, a sixth of the
 * proxy's whole budget over a bare pass-through (bench/results/profile.md). Both ways take the same
 * guarded handlers, generated from the same table.
 */
export function createRequestListener(
  deps: AppDeps,
  routes: readonly Route[] = createRoutes(deps),
): RequestListener {
  const exact = new Map<string, Map<string, GuardedHandler>>();
  for (const route of guardedRoutes(deps, routes)) {
    if (route.method === "ALL") continue;
    const byMethod = exact.get(route.path) ?? new Map<string, GuardedHandler>();
    byMethod.set(route.method, route.handler);
    exact.set(route.path, byMethod);
  }
  const viaHono = getRequestListener(createApp(deps, routes).fetch, {
    overrideGlobalObjects: false,
    autoCleanupIncoming: false,
    // HTTP/1.0 may omit Host (RFC 9112 §3.2), and nothing here routes by it.
    hostname: "localhost",
    errorHandler: (err) => answerAdapterError(deps, err),
  });
  return function requestListener(req, res) {
    if (req.headers.host === undefined && req.httpVersion !== "1.0") {
      refuse(deps, res, "other", missingHost());
      return;
    }
    const url = req.url ?? "";
    const query = url.indexOf("?");
    const path = query < 0 ? url : url.slice(0, query);
    // One guard for every path: no spelling of a dot segment reaches a handler, nor the upstream.
    if (climbsOut(path)) {
      refuse(deps, res, "other", invalidPath());
      return;
    }
    const handler = exact.get(path)?.get(req.method ?? "");
    if (handler === undefined) void viaHono(req, res);
    else handler(req, res).catch(deps.onInternalError);
  };
}

/**
 * The adapter refuses, before any route, what it cannot make a URL of (`OPTIONS *`, a target not starting
 * with `/`, an invalid Host); its own answer would be an empty, uncounted 400.
 */
function answerAdapterError(deps: AppDeps, err: unknown): Response {
  const error = err instanceof RequestError ? invalidRequestTarget() : internalError(err);
  if (!(err instanceof RequestError)) deps.onInternalError(err);
  deps.recorder.begin("other").finish(error.status, error.metric);
  return new Response(error.toBody(), {
    status: error.status,
    headers: { "content-type": "application/json" },
  });
}
