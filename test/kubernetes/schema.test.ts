import { describe, expect, it } from "vitest";
import { copyOf, findManifest, sourceManifests } from "./manifests.js";
import { type Manifest, schemaErrors, typeErrors, validatorErrors } from "./schema.js";

describe("deploy/kubernetes manifests against the Kubernetes and Prometheus Operator schemas", () => {
  const manifests = sourceManifests();

  it("covers every kind the base ships, the example Secret included", () => {
    expect(new Set(manifests.map(({ doc }) => doc.kind))).toEqual(
      new Set([
        "Namespace",
        "ServiceAccount",
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "NetworkPolicy",
        "PodMonitor",
        "PrometheusRule",
        "ConfigMap",
        "Secret",
      ]),
    );
  });

  it("validates every manifest, unknown fields included", () => {
    expect(schemaErrors(manifests)).toEqual([]);
  });

  describe("rejects broken manifests (the checks are live)", () => {
    // biome-ignore lint/suspicious/noExplicitAny: the tests break manifests on purpose, anywhere in them.
    const broken = (kind: string, edit: (doc: Record<string, any>) => void): Manifest => {
      const manifest = copyOf(findManifest(manifests, kind));
      edit(manifest.doc);
      return { ...manifest, source: `broken ${kind}` };
    };

    it("a wrong type and a missing required field, through the models' validators", () => {
      const hpa = broken("HorizontalPodAutoscaler", (doc) => {
        doc.spec.maxReplicas = "10";
      });
      expect(validatorErrors(hpa).join("\n")).toMatch(/maxReplicas must be integer/);
      const monitor = broken("PodMonitor", (doc) => {
        delete doc.spec.podMetricsEndpoints;
      });
      expect(validatorErrors(monitor).join("\n")).toMatch(/podMetricsEndpoints/);
    });

    it("a value outside an enum of the operator's CRD", () => {
      const monitor = broken("PodMonitor", (doc) => {
        doc.spec.podMetricsEndpoints[0].relabelings = [{ action: "rewrite", targetLabel: "x" }];
      });
      expect(validatorErrors(monitor).join("\n")).toMatch(
        /action must be equal to one of the allowed values/,
      );
    });

    it("a misspelt field, deep in a pod template or a CRD, through the TypeScript interfaces", () => {
      const deployment = broken("Deployment", (doc) => {
        doc.spec.template.spec.containers[0].readinessProbes =
          doc.spec.template.spec.containers[0].readinessProbe;
      });
      const monitor = broken("PodMonitor", (doc) => {
        doc.spec.podMetricsEndpoints[0].bearerToken = "x";
      });
      expect(validatorErrors(deployment)).toEqual([]);
      const errors = typeErrors([deployment, monitor]).join("\n");
      expect(errors).toMatch(/broken Deployment: .*readinessProbes.* does not exist in type 'IContainer'/);
      expect(errors).toMatch(/broken PodMonitor: .*bearerToken.* does not exist/);
    });
  });
});
