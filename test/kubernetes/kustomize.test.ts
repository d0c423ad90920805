import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../observability/tools.js";
import { findKubectl, kustomize } from "./kubectl.js";
import {
  configEnv,
  findManifest,
  kubernetesDir,
  manifestFiles,
  parseManifests,
  readKustomization,
  sourceManifests,
} from "./manifests.js";
import { type Manifest, schemaErrors } from "./schema.js";

interface Meta {
  readonly name?: string;
  readonly namespace?: string;
}
const metaOf = ({ doc }: Manifest): Meta => (doc.metadata ?? {}) as Meta;
const idOf = (manifest: Manifest): string => `${String(manifest.doc.kind)}/${metaOf(manifest).name}`;
const exampleSecret = `${kubernetesDir}/secret.example.yaml`;
type Container = { image: string; envFrom?: { configMapRef?: { name: string } }[] };
const containersOf = (deployment: Manifest): Container[] =>
  (deployment.doc as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec
    .containers;

describe("deploy/kubernetes/kustomization.yaml", () => {
  const kustomization = readKustomization();
  const sources = sourceManifests();

  it("installs into the namespace it creates, and leaves each resource's namespace to kustomize", () => {
    expect(kustomization.namespace).toBe("llm-proxy");
    expect(metaOf(findManifest(sources, "Namespace")).name).toBe(kustomization.namespace);
    const pinned = sources.filter((m) => !m.source.startsWith(exampleSecret) && metaOf(m).namespace);
    expect(pinned.map((m) => m.source)).toEqual([]);
  });

  it("lists every manifest file beside it, and nothing else, except the example Secret", () => {
    const resources = kustomization.resources ?? [];
    for (const resource of resources) {
      const path = join(repoRoot, kubernetesDir, resource);
      expect(existsSync(path) && statSync(path).isFile(), resource).toBe(true);
    }
    const listed = resources.map((resource) => `${kubernetesDir}/${resource}`).sort();
    expect(listed).toEqual(manifestFiles().filter((file) => file !== exampleSecret));
  });

  it("generates the configuration ConfigMap from config.env, which the Deployment reads", () => {
    expect(kustomization.configMapGenerator).toEqual([{ name: "llm-proxy-config", env: "config.env" }]);
    expect(Object.keys(configEnv()).length).toBeGreaterThan(0);
    const [container] = containersOf(findManifest(sources, "Deployment"));
    expect(container?.envFrom).toContainEqual({ configMapRef: { name: "llm-proxy-config" } });
  });

  it("pins the image by tag, by the name the Deployment uses", () => {
    const [container] = containersOf(findManifest(sources, "Deployment"));
    const [image, ...others] = kustomization.images ?? [];
    expect(others).toEqual([]);
    expect(image?.name).toBe(container?.image);
    expect(image?.newTag ?? image?.digest).toMatch(/^(\d+\.\d+\.\d+\S*|sha256:[0-9a-f]{64})$/);
  });

  it("uses only the fields it needs", () => {
    expect(Object.keys(kustomization).sort()).toEqual(
      ["apiVersion", "kind", "namespace", "resources", "configMapGenerator", "images"].sort(),
    );
  });
});

const kubectl = findKubectl();

describe.skipIf(kubectl === undefined)(
  "kubectl kustomize deploy/kubernetes (skipped without kubectl, which .ci/run installs)",
  () => {
    const rendered =
      kubectl === undefined ? [] : parseManifests(kustomize(kubectl, kubernetesDir), "rendered");
    const sources = sourceManifests().filter((m) => !m.source.startsWith(exampleSecret));
    const generated = (m: Manifest) =>
      m.doc.kind === "ConfigMap" && /^llm-proxy-config-/.test(metaOf(m).name ?? "");

    it("renders each listed manifest once, plus the generated configuration", () => {
      const expected = [...sources.map(idOf), "ConfigMap/llm-proxy-config-<hash>"].sort();
      const got = rendered.map((m) => (generated(m) ? "ConfigMap/llm-proxy-config-<hash>" : idOf(m))).sort();
      expect(got).toEqual(expected);
    });

    it("puts everything in the llm-proxy namespace", () => {
      for (const manifest of rendered) {
        if (manifest.doc.kind === "Namespace") expect(metaOf(manifest).name).toBe("llm-proxy");
        else expect(metaOf(manifest).namespace, idOf(manifest)).toBe("llm-proxy");
      }
    });

    it("wires the hashed ConfigMap, with config.env's values, and the pinned image into the Deployment", () => {
      const config = rendered.find(generated);
      expect(config?.doc.data).toEqual(configEnv());
      const [container] = containersOf(findManifest(rendered, "Deployment"));
      expect(container?.envFrom).toContainEqual({ configMapRef: { name: metaOf(config as Manifest).name } });
      const [image] = readKustomization().images ?? [];
      expect(container?.image).toBe(`${image?.newName}:${image?.newTag}`);
    });

    it("validates against the schemas as rendered", () => {
      expect(schemaErrors(rendered)).toEqual([]);
    });
  },
);
