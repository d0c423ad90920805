import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { Agent, type Dispatcher } from "undici";

// The floor the proxy is measured against: the proxy's own transport (node:http in, the request body
// buffered, one undici keep-alive pool out, upstream chunks written on as they come, with backpressure)
// and nothing else: no parsing, no metrics, no logging, no router.
const upstream = new URL(process.env.UPSTREAM_ORIGIN ?? "http://127.0.0.1:8081");
const port = Number(process.env.BARE_PORT ?? 0);
// As many upstream connections as the proxy is given (UPSTREAM_CONNECTIONS, 256 by default).
const dispatcher = new Agent({
  connections: Number(process.env.BARE_CONNECTIONS ?? 256),
  keepAliveTimeout: 30_000,
});
const hopByHop = new Set(["connection", "keep-alive", "transfer-encoding"]);
// The body is sent buffered, so its length is set here; the host is the upstream's.
const setHere = new Set([...hopByHop, "host", "content-length"]);

function forwardable(headers: IncomingHttpHeaders, drop: Set<string>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !drop.has(name)) out[name] = value;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function relayBody(body: Readable, res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    body.on("data", (chunk: Buffer) => {
      if (!res.write(chunk)) {
        body.pause();
        res.once("drain", () => body.resume());
      }
    });
    body.on("end", () => res.end(resolve));
    body.on("error", reject);
    res.on("close", () => body.destroy());
  });
}

async function relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const headers = { ...forwardable(req.headers, setHere), "content-length": String(body.length) };
  const response = await dispatcher.request({
    origin: upstream.origin,
    path: req.url ?? "/",
    method: (req.method ?? "GET") as Dispatcher.HttpMethod,
    headers,
    body,
  });
  res.writeHead(response.statusCode, forwardable(response.headers, hopByHop));
  // As the proxy does: a stream's headers go out at once, a JSON answer's go with its body.
  if (String(response.headers["content-type"]).includes("text/event-stream")) res.flushHeaders();
  await relayBody(response.body, res);
}

const server = createServer((req, res) => {
  relay(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
});
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  const actual = typeof address === "object" && address !== null ? address.port : port;
  process.stdout.write(`bare pass-through listening on http://127.0.0.1:${actual}\n`);
});
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
