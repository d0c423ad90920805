import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { processTree } from "./proc-stats.js";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
// Children run from an empty directory so that a developer's .env cannot change what is measured.
const emptyDir = mkdtempSync(join(tmpdir(), "llm-proxy-bench-"));
const devNull = openSync("/dev/null", "w");

export interface Child {
  readonly pid: number;
  /** e.g. http://127.0.0.1:PORT, no path. */
  readonly origin: string;
  stop(): Promise<void>;
}

export interface ProxyOptions {
  readonly upstream: string;
  readonly logLevel: "info" | "warn";
  readonly workers: string;
  readonly maxModelLabels?: number;
  readonly nodeArgs?: readonly string[];
  /** More environment for the proxy, e.g. UPSTREAM_CONNECTIONS for thousands of open streams. */
  readonly env?: Record<string, string>;
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? emptyDir, ...extra };
}

function launch(script: string, env: Record<string, string>, nodeArgs: readonly string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, join(repoRoot, script)], {
    cwd: emptyDir,
    env: baseEnv(env),
    stdio: ["ignore", "pipe", "inherit"],
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
      child.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill("SIGTERM");
    });
}

/** Waits for the line a child prints once it listens, and reads its origin from it. */
function originFromStdout(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    child.once("exit", (code) => reject(new Error(`child exited (${code}) before listening: ${seen}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
  });
}

async function started(child: ChildProcess, pattern: RegExp): Promise<Child> {
  const origin = await originFromStdout(child, pattern);
  child.stdout?.resume();
  return { pid: child.pid ?? 0, origin, stop: stopper(child) };
}

export function startSimulatorProcess(): Promise<Child> {
  const child = launch("dist/simulator/main.js", { SIM_PORT: "0" });
  return started(child, /listening on (http:\/\/[^/\s]+)\/v1/);
}

export function startBare(
  upstream: string,
  nodeArgs: readonly string[] = [],
  connections = 256,
): Promise<Child> {
  const env = { UPSTREAM_ORIGIN: upstream, BARE_PORT: "0", BARE_CONNECTIONS: String(connections) };
  const child = launch("dist/bench/bare-pass-through.js", env, nodeArgs);
  return started(child, /listening on (http:\/\/\S+)/);
}

/** A port the kernel just handed out; the proxy logs to /dev/null, so its port is chosen here. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitHealthy(origin: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`proxy exited with ${child.exitCode} at start-up`);
    const ok = await fetch(`${origin}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`proxy at ${origin} never became healthy`);
}

/** Cluster workers each listen on their own schedule; a phase must not start before all of them do. */
async function waitForWorkers(pid: number, workers: string): Promise<void> {
  const expected = workers === "auto" ? cpus().length : Number(workers);
  if (expected <= 1) return;
  for (let attempt = 0; attempt < 300 && processTree(pid).length <= expected; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Forked is not yet listening; a worker's start-up (module load, price table) takes well under this.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
}

/** The proxy as it ships: the built dist/main.js, access log at the chosen level into /dev/null. */
export async function startProxy(options: ProxyOptions): Promise<Child> {
  const port = await freePort();
  const env = {
    APP_HOST: "127.0.0.1",
    APP_PORT: String(port),
    OPENAI_BASE_URL: `${options.upstream}/v1`,
    LOG_LEVEL: options.logLevel,
    WORKERS: options.workers,
    MAX_MODEL_LABELS: String(options.maxModelLabels ?? 50),
    SHUTDOWN_GRACE_SECONDS: "2",
    ...options.env,
  };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(repoRoot, "dist/main.js")], {
    cwd: emptyDir,
    env: baseEnv(env),
    stdio: ["ignore", devNull, "inherit"],
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitHealthy(origin, child);
  await waitForWorkers(child.pid ?? 0, options.workers);
  return { pid: child.pid ?? 0, origin, stop: stopper(child) };
}
