import { accessSync, constants, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Files of `dir` (relative to the repository) ending in `suffix`, as paths relative to the repository. */
export function listFiles(dir: string, suffix: string): string[] {
  return readdirSync(join(repoRoot, dir))
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Finds a binary the way a shell would, so the observability tests fail with an install hint instead
 * of an ENOENT deep in child_process when a Debian package (prometheus, haproxy) is missing.
 */
export function requireBinary(name: string, envOverride: string, aptPackage = "prometheus"): string {
  const explicit = process.env[envOverride];
  const candidates =
    explicit !== undefined && explicit !== ""
      ? [explicit]
      : (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one; keep looking
    }
  }
  throw new Error(
    `${name} not found on PATH (or in $${envOverride}). Install it with: apt-get install -y --no-install-recommends ${aptPackage}`,
  );
}

/** A loopback port the kernel just handed out, for a child process that must be told its port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
