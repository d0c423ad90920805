import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, request } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface RawOptions {
  readonly method?: string;
  /** Sent as the request target exactly as given: origin-form, absolute-form or with dot segments. */
  readonly path: string;
  /** A flat [name, value, …] list keeps duplicates, order and case, as fetch would not. */
  readonly headers?: Record<string, string> | string[];
  /** Sent with a content-length, or in several chunked pieces when `chunked` is set. */
  readonly body?: string | Buffer;
  readonly chunked?: boolean;
  /** Leaves the request open after the body, for a client that stalls or leaves while sending. */
  readonly keepOpen?: boolean;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
  /** False when the connection ended before the message did (a stream cut by the proxy). */
  readonly complete: boolean;
}

function splitPieces(body: Buffer): Buffer[] {
  const step = Math.max(1, Math.ceil(body.length / 4));
  const pieces: Buffer[] = [];
  for (let at = 0; at < body.length; at += step) pieces.push(body.subarray(at, at + step));
  return pieces;
}

/** node:http adds no Host to a header list, and HTTP/1.1 servers answer 400 without one. */
function withHost(headers: string[], host: string): string[] {
  const named = headers.some((value, i) => i % 2 === 0 && value.toLowerCase() === "host");
  return named ? [...headers] : ["Host", host, ...headers];
}

/** Starts a request on a fresh connection; node:http forwards the target and headers as given. */
export function startRaw(baseUrl: string, options: RawOptions): ClientRequest {
  const url = new URL(baseUrl);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers = Array.isArray(options.headers)
    ? withHost(options.headers, url.host)
    : { ...options.headers };
  if (body !== undefined && !options.chunked && !Array.isArray(headers)) {
    headers["content-length"] ??= String(body.length);
  }
  const req = request({
    host: url.hostname,
    port: url.port,
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    path: options.path,
    headers,
    agent: false,
  });
  req.on("error", () => undefined);
  const pieces = body === undefined ? [] : options.chunked ? splitPieces(body) : [body];
  for (const piece of pieces) req.write(piece);
  if (!options.keepOpen) req.end();
  return req;
}

/** Reads a whole response; a connection the server cuts resolves with `complete: false`. */
export function readRaw(res: IncomingMessage): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const finish = () => {
      const body = Buffer.concat(chunks);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body,
        text: body.toString("utf8"),
        complete: res.complete,
      });
    };
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("error", () => undefined);
    res.on("close", finish);
  });
}

export function responseOf(req: ClientRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    req.once("response", resolve);
    req.once("error", reject);
  });
}

export async function rawRequest(baseUrl: string, options: RawOptions): Promise<RawResponse> {
  return readRaw(await responseOf(startRaw(baseUrl, options)));
}

/** Opens a TCP connection, lets `talk` write on it, and reads until the server closes it (or the time is up). */
export function exchangeTcp(
  baseUrl: string,
  talk: (socket: Socket) => void,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve) => {
    const url = new URL(baseUrl);
    const socket = connect(Number(url.port), url.hostname, () => talk(socket));
    let received = "";
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

export const jsonHeaders = { "content-type": "application/json" } as const;

export function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return rawRequest(baseUrl, { method: "POST", path, headers: { ...jsonHeaders, ...headers }, body: text });
}

export interface LiveResponse {
  /** Everything received so far, decoded. */
  readonly text: () => string;
  /** The whole response, once the connection is done with it. */
  readonly done: Promise<RawResponse>;
}

/** Reads a streamed response as it arrives, so a test can act mid-stream (abort, shut down, …). */
export function live(res: IncomingMessage): LiveResponse {
  const decoder = new TextDecoder();
  let text = "";
  res.on("data", (chunk: Buffer) => {
    text += decoder.decode(chunk, { stream: true });
  });
  return { text: () => text, done: readRaw(res) };
}

/** Polls until `check` holds; the generous limit keeps slow CI machines from failing a correct test. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, what = "condition" } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const chatBody = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content }],
  ...extra,
});

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Builds the proxy as `npm run build` does, into a directory of this test's own: other test files run
 * in parallel and spawn dist/main.js, which must not be rewritten under them. Returns the entry point.
 */
export function buildProxy(name: string): string {
  const outDir = join(repoRoot, "node_modules", ".cache", `llm-proxy-${name}`);
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", join(repoRoot, "tsconfig.build.json"), "--outDir", outDir], {
    stdio: "pipe",
  });
  return join(outDir, "main.js");
}

export interface ProxyProcess {
  readonly child: ChildProcess;
  /** The JSON log lines printed so far. */
  readonly lines: Record<string, unknown>[];
  /** Resolves with the loopback URL once the proxy logged that it listens. */
  readonly listening: Promise<string>;
  readonly exited: Promise<number | null>;
}

/** Runs a built entry point with only `env` (and PATH), outside the repository so no .env applies. */
export function spawnProxy(entry: string, env: Record<string, string>): ProxyProcess {
  const child = spawn(process.execPath, [entry], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let rest = "";
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errors += chunk.toString("utf8");
  });
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      const parts = (rest + chunk.toString("utf8")).split("\n");
      rest = parts.pop() ?? "";
      for (const part of parts) lines.push(JSON.parse(part) as Record<string, unknown>);
      const url = lines.find((line) => line.msg === "llm-proxy listening")?.url;
      if (typeof url === "string") resolve(url.replace("://0.0.0.0:", "://127.0.0.1:"));
    });
    child.once("exit", (code) => reject(new Error(`proxy exited with ${code} before listening: ${errors}`)));
  });
  listening.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, lines, listening, exited };
}
