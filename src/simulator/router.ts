import type { IncomingMessage, ServerResponse } from "node:http";
import { applyFaults } from "./apply-faults.js";
import { handleChat } from "./chat.js";
import { handleCompletions } from "./completions.js";
import type { SimulatorContext } from "./context.js";
import { handleEmbeddings } from "./embeddings.js";
import { Exchange, type SimulatedEndpoint } from "./exchange.js";
import { faultHeader, parseFaults } from "./faults.js";
import { handleModelGet, handleModelList } from "./model-catalog.js";
import {
  bodyTooLarge,
  invalidJson,
  invalidUrl,
  missingModel,
  missingParameter,
  sendError,
  serverError,
} from "./openai-errors.js";
import { handleResponses } from "./responses.js";
import { isRecord } from "./token-counting.js";

type Handler = (ex: Exchange, body: Record<string, unknown>, model: string) => Promise<void>;

const postRoutes = new Map<string, readonly [SimulatedEndpoint, Handler]>([
  ["/v1/chat/completions", ["chat", handleChat]],
  ["/v1/completions", ["completions", handleCompletions]],
  ["/v1/responses", ["responses", handleResponses]],
  ["/v1/embeddings", ["embeddings", handleEmbeddings]],
]);

const maxBodyBytes = 64 * 1024 * 1024;
const modelPathPrefix = "/v1/models/";

/** Resolves the raw body, or undefined when the client went away or sent too much. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > maxBodyBytes ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("close", () => resolve(undefined));
  });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Entry point for every request; never throws. */
export async function handleRequest(context: SimulatorContext, req: IncomingMessage, res: ServerResponse) {
  context.stats.requests += 1;
  const ex = new Exchange(context, req, res);
  const text = await readBody(req);
  context.stats.lastRequestUrl = req.url;
  context.stats.lastRequestHeaders = req.headers;
  context.stats.lastRequestBody = text ?? "";
  if (ex.closed) return;
  if (text === undefined) return sendError(ex, 413, bodyTooLarge(maxBodyBytes));
  ex.faults = parseFaults(req.headers[faultHeader]);
  try {
    await route(ex, text);
  } catch {
    // A bug mid-stream must not leave the client waiting forever: cut the connection instead.
    if (res.headersSent) ex.dropNow();
    else sendError(ex, 500, serverError());
  }
}

async function route(ex: Exchange, text: string): Promise<void> {
  const method = ex.req.method ?? "GET";
  const path = (ex.req.url ?? "/").split("?")[0] ?? "/";
  if (method === "GET") return routeGet(ex, path);
  const target = method === "POST" ? postRoutes.get(path) : undefined;
  if (target === undefined) return sendError(ex, 404, invalidUrl(method, path));
  const [endpoint, handler] = target;
  ex.endpoint = endpoint;
  const body = parseObject(text);
  if (body === undefined) return sendError(ex, 400, invalidJson());
  const model = body.model;
  if (typeof model !== "string" || model === "") {
    return sendError(ex, 400, endpoint === "responses" ? missingParameter("model") : missingModel());
  }
  if (await applyFaults(ex, model)) return;
  return handler(ex, body, model);
}

async function routeGet(ex: Exchange, path: string): Promise<void> {
  const id = path.startsWith(modelPathPrefix) ? safeDecode(path.slice(modelPathPrefix.length)) : undefined;
  if (path !== "/v1/models" && id === undefined) return sendError(ex, 404, invalidUrl("GET", path));
  ex.endpoint = "models";
  if (await applyFaults(ex, id ?? "models")) return;
  return id === undefined ? handleModelList(ex) : handleModelGet(ex, id);
}

function safeDecode(segment: string): string | undefined {
  try {
    return segment === "" ? undefined : decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
