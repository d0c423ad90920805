import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { Agent, type Dispatcher } from "undici";

// The floor the proxy is measured against: the same server and client libraries (node:http in,
// undici out, one keep-alive pool), with no parsing, no metrics and no logging.
const upstream = new URL(process.env.UPSTREAM_ORIGIN ?? "http://127.0.0.1:8081");
const port = Number(process.env.BARE_PORT ?? 0);
const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 30_000 });
const hopByHop = new Set(["connection", "keep-alive", "transfer-encoding", "host"]);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !hopByHop.has(name)) out[name] = value;
  }
  return out;
}

async function relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const response = await dispatcher.request({
    origin: upstream.origin,
    path: req.url ?? "/",
    method: (req.method ?? "GET") as Dispatcher.HttpMethod,
    headers: forwardable(req.headers),
    body: hasBody ? req : null,
  });
  res.writeHead(response.statusCode, forwardable(response.headers));
  // As the proxy does: a stream's headers go out at once, a JSON answer's go with its body.
  if (String(response.headers["content-type"]).includes("text/event-stream")) res.flushHeaders();
  await pipeline(response.body, res);
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
