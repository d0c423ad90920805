import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { repoRoot } from "../observability/tools.js";

/** kubectl on PATH (or $KUBECTL), or undefined: .ci/run installs it where the machine lacks one. */
export function findKubectl(): string | undefined {
  const explicit = process.env.KUBECTL;
  const candidates =
    explicit !== undefined && explicit !== ""
      ? [explicit]
      : (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "kubectl"));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** `kubectl kustomize DIR`: renders offline, talks to no cluster. */
export function kustomize(kubectl: string, dir: string): string {
  const result = spawnSync(kubectl, ["kustomize", dir], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, KUBECONFIG: "" },
  });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return result.stdout;
}

/** The major version of the kustomize built into kubectl; kubectl before 1.21 (kustomize v2) names none. */
export function kustomizeMajor(kubectl: string): number {
  const result = spawnSync(kubectl, ["version", "--client"], { encoding: "utf8", timeout: 30_000 });
  const match = /Kustomize Version: v(\d+)\./.exec(result.stdout ?? "");
  return match === null ? 2 : Number(match[1]);
}
