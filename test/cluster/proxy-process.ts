import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const entry = `${root}dist/main.js`;
const sources = ["src/main.ts", "src/cluster/run-cluster.ts", "src/cluster/metrics-ipc.ts"];

const mtime = (path: string): number => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

/** The test runs the built entry point, as production does; a stale or missing build is rebuilt first. */
export function ensureBuilt(): void {
  const stale = sources.some(
    (src) => mtime(root + src) > mtime(root + src.replace(/^src/, "dist").replace(/\.ts$/, ".js")),
  );
  if (!stale) return;
  execFileSync(
    process.execPath,
    [`${root}node_modules/typescript/bin/tsc`, "-p", `${root}tsconfig.build.json`],
    {
      stdio: "inherit",
    },
  );
}

export interface ProxyProcess {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  waitFor(test: (line: Record<string, unknown>) => boolean, count?: number): Promise<Record<string, unknown>>;
  exited(): Promise<number | null>;
}

export function spawnProxy(env: Record<string, string>): ProxyProcess {
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let rest = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split("\n");
    rest = parts.pop() ?? "";
    for (const part of parts)
      if (part.startsWith("{")) lines.push(JSON.parse(part) as Record<string, unknown>);
    for (const wake of waiters) wake();
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    lines,
    waitFor: (test, count = 1) =>
      new Promise((resolve) => {
        const check = () => {
          const found = lines.filter(test);
          if (found.length < count) return;
          waiters.delete(check);
          resolve(found[count - 1] as Record<string, unknown>);
        };
        waiters.add(check);
        check();
      }),
    exited: () => exit,
  };
}

/** One request on its own connection, so that cluster's round-robin spreads them over the workers. */
export function send(
  url: string,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { "content-type": "application/json" };
    const req = request(`${url}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The worker processes under a primary, from Linux's /proc children list. */
export function childPids(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
  return text === "" ? [] : text.split(/\s+/).map(Number);
}
