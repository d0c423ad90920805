import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { parseAllDocuments } from "yaml";
import { repoRoot } from "../observability/tools.js";
import type { Manifest } from "./schema.js";

export const kubernetesDir = "deploy/kubernetes";

export interface Kustomization {
  readonly namespace?: string;
  readonly resources?: readonly string[];
  readonly configMapGenerator?: readonly { name: string; envs?: readonly string[] }[];
  readonly images?: readonly { name: string; newName?: string; newTag?: string; digest?: string }[];
  readonly [key: string]: unknown;
}

export function readText(path: string): string {
  return readFileSync(join(repoRoot, path), "utf8");
}

/** Every document of a multi-document YAML text, named `source#index` for the error messages. */
export function parseManifests(text: string, source: string): Manifest[] {
  return parseAllDocuments(text).map((document, index) => {
    if (document.errors.length > 0) throw new Error(`${source}#${index}: ${document.errors[0]?.message}`);
    return { source: `${source}#${index}`, doc: document.toJS() as Record<string, unknown> };
  });
}

export function readKustomization(): Kustomization {
  const [kustomization] = parseManifests(
    readText(`${kubernetesDir}/kustomization.yaml`),
    "kustomization.yaml",
  );
  return kustomization?.doc as Kustomization;
}

/** The manifest files of the base, the example Secret included; not kustomization.yaml itself. */
export function manifestFiles(): string[] {
  return readdirSync(join(repoRoot, kubernetesDir))
    .filter((name) => name.endsWith(".yaml") && name !== "kustomization.yaml")
    .sort()
    .map((name) => `${kubernetesDir}/${name}`);
}

export function sourceManifests(): Manifest[] {
  return manifestFiles().flatMap((file) => parseManifests(readText(file), file));
}

/** config.env as kustomize's configMapGenerator and the proxy's .env reader both read it. */
export function configEnv(): Record<string, string> {
  return parseEnv(readText(`${kubernetesDir}/config.env`)) as Record<string, string>;
}

export function findManifest(manifests: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter(
    ({ doc }) =>
      doc.kind === kind &&
      (name === undefined || (doc.metadata as { name?: string } | undefined)?.name === name),
  );
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ""}, found ${found.length}`);
  return found[0] as Manifest;
}

/** A deep copy to break on purpose in the tests that prove a check can fail. */
export function copyOf<T>(value: T): T {
  return structuredClone(value);
}
