import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createMetricDefinitions } from "../../src/metrics/definitions.js";
import { findKubectl, kustomize, kustomizeMajor } from "./kubectl.js";
import { copyOf, findManifest, parseManifests, readText, sourceManifests } from "./manifests.js";
import { type Manifest, schemaErrors } from "./schema.js";

const dir = "deploy/kubernetes-in-flight";
// The gauge's name as the proxy registers it, so a rename breaks this test rather than the autoscaler.
const requestsInFlightName = (
  createMetricDefinitions({ registry: new Registry() }).inFlight as unknown as { name: string }
).name;

interface AdapterRule {
  seriesQuery: string;
  resources: { overrides: Record<string, { resource: string }> };
  name: { matches: string; as: string };
  metricsQuery: string;
}
interface PodsMetric {
  type: string;
  pods?: { metric: { name: string }; target: { type: string; averageValue: string } };
}
type Hpa = { spec: { metrics: PodsMetric[] } };
const metricsOf = (manifest: Manifest | undefined): PodsMetric[] =>
  (manifest?.doc as unknown as Hpa | undefined)?.spec.metrics ?? [];

describe("deploy/kubernetes-in-flight: autoscaling on in-flight requests per pod", () => {
  const [patch] = parseManifests(readText(`${dir}/hpa-in-flight.yaml`), "hpa-in-flight.yaml");
  const values = parse(readText(`${dir}/prometheus-adapter-values.yaml`)) as {
    rules: { custom: AdapterRule[] };
  };
  const [rule, ...otherRules] = values.rules.custom;
  const podsMetric = metricsOf(patch).find((metric) => metric.type === "Pods");

  it("has prometheus-adapter serve the proxy's in-flight gauge per pod, by the name the HPA asks for", () => {
    expect(otherRules).toEqual([]);
    expect(rule?.seriesQuery).toMatch(new RegExp(`^${requestsInFlightName}\\{`));
    expect(rule?.name.as).toBe(requestsInFlightName);
    expect(rule?.resources.overrides).toEqual({
      namespace: { resource: "namespace" },
      pod: { resource: "pod" },
    });
    expect(rule?.metricsQuery).toBe("sum by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>})");
    expect(podsMetric?.pods?.metric.name).toBe(rule?.name.as);
    expect(podsMetric?.pods?.target.type).toBe("AverageValue");
  });

  it("keeps the CPU metric when its patch replaces the list, and validates once applied", () => {
    const base = findManifest(sourceManifests(), "HorizontalPodAutoscaler");
    const [cpu] = metricsOf(base);
    expect(metricsOf(patch)).toContainEqual(cpu);
    // A strategic merge patch replaces a list that has no merge key, as HPA metrics has none.
    const patched = copyOf(base);
    (patched.doc as unknown as Hpa).spec.metrics = metricsOf(patch);
    expect(schemaErrors([{ ...patched, source: "patched HPA" }])).toEqual([]);
  });

  const kubectl = findKubectl();
  const modern = kubectl !== undefined && kustomizeMajor(kubectl) >= 4;
  it.skipIf(!modern)(
    "renders with kustomize v4+ into the base plus both metrics (skipped without kubectl 1.21+)",
    () => {
      const rendered = parseManifests(kustomize(kubectl as string, dir), "rendered in-flight");
      const hpa = findManifest(rendered, "HorizontalPodAutoscaler");
      expect(metricsOf(hpa)).toEqual(metricsOf(patch));
      expect(rendered.length).toBe(
        parseManifests(kustomize(kubectl as string, "deploy/kubernetes"), "b").length,
      );
      expect(schemaErrors(rendered)).toEqual([]);
    },
  );
});
