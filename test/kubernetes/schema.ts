import { join } from "node:path";
import { PodMonitor, PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from "kubernetes-models/v1";
import ts from "typescript";
import { repoRoot } from "../observability/tools.js";

/**
 * Two checks of a manifest against the schemas that kubernetes-models (Kubernetes' OpenAPI) and
 * @kubernetes-models/prometheus-operator (the operator's CRDs) are generated from:
 * - the models' own validators (Ajv on the OpenAPI schema): types, required fields, enums, formats;
 * - the models' TypeScript interfaces, with the manifest as an object literal: the OpenAPI schemas
 *   allow unknown fields, which the API server refuses (kubectl's --validate=strict, the default) and
 *   which the validators let through, so a misspelt field is caught by TypeScript's excess-property
 *   check instead.
 */

interface Model {
  validate(): void;
}
type ModelClass = new (data: never) => Model;

interface Kind {
  readonly model: ModelClass;
  /** The module and interface that type the same manifest. */
  readonly module: string;
  readonly type: string;
}

const kinds: Readonly<Record<string, Kind>> = {
  "v1/Namespace": { model: Namespace, module: "kubernetes-models/v1/Namespace", type: "INamespace" },
  "v1/ServiceAccount": {
    model: ServiceAccount,
    module: "kubernetes-models/v1/ServiceAccount",
    type: "IServiceAccount",
  },
  "v1/ConfigMap": { model: ConfigMap, module: "kubernetes-models/v1/ConfigMap", type: "IConfigMap" },
  "v1/Secret": { model: Secret, module: "kubernetes-models/v1/Secret", type: "ISecret" },
  "v1/Service": { model: Service, module: "kubernetes-models/v1/Service", type: "IService" },
  "apps/v1/Deployment": {
    model: Deployment,
    module: "kubernetes-models/apps/v1/Deployment",
    type: "IDeployment",
  },
  "autoscaling/v2/HorizontalPodAutoscaler": {
    model: HorizontalPodAutoscaler,
    module: "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler",
    type: "IHorizontalPodAutoscaler",
  },
  "policy/v1/PodDisruptionBudget": {
    model: PodDisruptionBudget,
    module: "kubernetes-models/policy/v1/PodDisruptionBudget",
    type: "IPodDisruptionBudget",
  },
  "networking.k8s.io/v1/NetworkPolicy": {
    model: NetworkPolicy,
    module: "kubernetes-models/networking.k8s.io/v1/NetworkPolicy",
    type: "INetworkPolicy",
  },
  "monitoring.coreos.com/v1/PodMonitor": {
    model: PodMonitor,
    module: "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor",
    type: "IPodMonitor",
  },
  "monitoring.coreos.com/v1/PrometheusRule": {
    model: PrometheusRule,
    module: "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule",
    type: "IPrometheusRule",
  },
};

/** A parsed manifest and where it came from, for the error messages. */
export interface Manifest {
  readonly source: string;
  readonly doc: Record<string, unknown>;
}

const kindOf = (doc: Record<string, unknown>): string => `${String(doc.apiVersion)}/${String(doc.kind)}`;

function lookup(manifest: Manifest): Kind {
  const kind = kinds[kindOf(manifest.doc)];
  if (kind === undefined) throw new Error(`${manifest.source}: no schema known for ${kindOf(manifest.doc)}`);
  return kind;
}

/** The models' validator errors, one line each. */
export function validatorErrors(manifest: Manifest): string[] {
  const { model } = lookup(manifest);
  try {
    new model(manifest.doc as never).validate();
    return [];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return message.split("\n").map((line) => `${manifest.source}: ${line}`);
  }
}

const virtualFile = join(repoRoot, "test/kubernetes/__manifests__.ts");

function typedSource(manifests: readonly Manifest[]): string {
  const used = [...new Set(manifests.map((manifest) => lookup(manifest)))];
  const imports = used.map((kind) => `import type { ${kind.type} } from "${kind.module}";`);
  const declarations = manifests.map(
    (manifest, index) =>
      `// ${manifest.source}\nexport const m${index}: ${lookup(manifest).type} = ${JSON.stringify(manifest.doc, null, 1)};`,
  );
  return `${imports.join("\n")}\n${declarations.join("\n")}\n`;
}

/** TypeScript's errors for the manifests typed by the models' interfaces (unknown fields included). */
export function typeErrors(manifests: readonly Manifest[]): string[] {
  const source = typedSource(manifests);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => name === virtualFile || fileExists(name);
  host.readFile = (name) => (name === virtualFile ? source : readFile(name));
  host.getSourceFile = (name, version, ...rest) =>
    name === virtualFile ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
  const program = ts.createProgram([virtualFile], options, host);
  const file = program.getSourceFile(virtualFile);
  const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  return diagnostics.map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const at = diagnostic.start === undefined ? 0 : diagnostic.start;
    const origin =
      source
        .slice(0, at)
        .match(/\/\/ (.+)\nexport const m\d+/g)
        ?.at(-1) ?? "";
    return `${origin.split("\n")[0]?.slice(3) ?? "?"}: ${text}`;
  });
}

/** Every schema error of the manifests; empty when all are valid. */
export function schemaErrors(manifests: readonly Manifest[]): string[] {
  return [...manifests.flatMap(validatorErrors), ...typeErrors(manifests)];
}
