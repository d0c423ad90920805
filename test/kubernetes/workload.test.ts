import type { IPodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { parseStages } from "../observability/containerfile-parser.js";
import { listFiles } from "../observability/tools.js";
import { configEnv, findManifest, readText, sourceManifests } from "./manifests.js";

const manifests = sourceManifests();
const doc = <T>(kind: string): T => findManifest(manifests, kind).doc as unknown as T;
const deployment = doc<IDeployment>("Deployment");
const template = deployment.spec?.template;
const pod = template?.spec;
const [container] = pod?.containers ?? [];
const podLabels = template?.metadata?.labels ?? {};
const secret = doc<ISecret>("Secret");
const monitor = doc<IPodMonitor>("PodMonitor");

/** Official node images create the "node" user with uid 1000: https://github.com/nodejs/docker-node */
const knownUids: Readonly<Record<string, Readonly<Record<string, number>>>> = { node: { node: 1000 } };

function containerfileUid(): number {
  const final = parseStages(readText("Containerfile")).at(-1);
  const user =
    final?.instructions
      .filter((i) => i.keyword === "USER")
      .at(-1)
      ?.args.split(":")[0] ?? "";
  if (/^\d+$/.test(user)) return Number(user);
  const uid = knownUids[final?.from.repository ?? ""]?.[user];
  if (uid === undefined) throw new Error(`unknown uid for USER ${user} of ${final?.from.repository}`);
  return uid;
}

const preStopPauseSeconds = (): number => {
  const [command, seconds, ...rest] = container?.lifecycle?.preStop?.exec?.command ?? [];
  expect(command).toBe("sleep");
  expect(rest).toEqual([]);
  return Number(seconds);
};

const subsetOf = (labels: Record<string, string> | undefined) => {
  expect(Object.keys(labels ?? {}).length).toBeGreaterThan(0);
  for (const [key, value] of Object.entries(labels ?? {})) expect(podLabels[key], key).toBe(value);
};

describe("the Deployment: what bites on a real cluster", () => {
  it("runs as the Containerfile's user by number: the kubelet cannot check a name against runAsNonRoot", () => {
    const uid = containerfileUid();
    expect(uid).toBe(1000);
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid });
    expect(container?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid });
  });

  it("meets the restricted Pod Security Standard its namespace enforces, with a read-only root", () => {
    expect(doc<INamespace>("Namespace").metadata?.labels?.["pod-security.kubernetes.io/enforce"]).toBe(
      "restricted",
    );
    expect(container?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container?.securityContext?.capabilities?.add).toBeUndefined();
    expect(container?.securityContext?.privileged).toBeUndefined();
    expect(pod?.securityContext?.seccompProfile?.type).toBe("RuntimeDefault");
    for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) expect(pod?.[field]).toBeUndefined();
    for (const volume of pod?.volumes ?? []) expect(Object.keys(volume).sort()).toEqual(["emptyDir", "name"]);
    expect(pod?.automountServiceAccountToken).toBe(false);
  });

  it("gives a terminating pod longer than the preStop pause plus SHUTDOWN_GRACE_SECONDS and a margin", () => {
    const shutdownGraceSeconds = parseConfig(configEnv()).shutdownGraceMs / 1000;
    const pause = preStopPauseSeconds();
    expect(pause).toBeGreaterThanOrEqual(5);
    expect(shutdownGraceSeconds).toBe(Number(configEnv().SHUTDOWN_GRACE_SECONDS));
    // The cluster mode kills a worker 10 s after its own grace period: the kubelet must wait for that too.
    expect(pod?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(pause + shutdownGraceSeconds + 10);
  });

  it("probes /readyz for readiness and /healthz for liveness on the port the proxy listens on", () => {
    const port = container?.ports?.find((p) => p.name === "http");
    expect(port?.containerPort).toBe(parseConfig(configEnv()).port);
    expect(container?.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container?.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container?.resources?.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(container?.resources?.limits).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
  });

  it("takes the keys from the Secret the example shows, METRICS_TOKEN required", () => {
    const refs = (container?.env ?? []).map(
      (variable) => [variable.name, variable.valueFrom?.secretKeyRef] as const,
    );
    expect(refs.map(([name]) => name).sort()).toEqual(Object.keys(secret.stringData ?? {}).sort());
    for (const [name, ref] of refs)
      expect(ref, name).toMatchObject({ name: secret.metadata?.name, key: name });
    const optional = Object.fromEntries(refs.map(([name, ref]) => [name, ref?.optional ?? false]));
    expect(optional).toEqual({ OPENAI_API_KEY: true, PROXY_API_KEYS: true, METRICS_TOKEN: false });
  });

  it("ships placeholders, never a key, in the example Secret", () => {
    for (const [name, value] of Object.entries(secret.stringData ?? {})) {
      expect(value, name).toMatch(/^REPLACE_WITH_[A-Z0-9_]+(,REPLACE_WITH_[A-Z0-9_]+)*$/);
    }
    expect(secret.data).toBeUndefined();
  });

  it("leaves the replica count to the HPA and rolls out without losing capacity", () => {
    expect(deployment.spec?.replicas).toBeUndefined();
    expect(deployment.spec?.strategy?.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    subsetOf(deployment.spec?.selector.matchLabels);
  });

  it("spreads the pods across nodes and zones without making a one-node cluster unschedulable", () => {
    const constraints = pod?.topologySpreadConstraints ?? [];
    expect(constraints.map((c) => c.topologyKey)).toEqual([
      "kubernetes.io/hostname",
      "topology.kubernetes.io/zone",
    ]);
    for (const constraint of constraints) {
      expect(constraint.whenUnsatisfiable).toBe("ScheduleAnyway");
      subsetOf(constraint.labelSelector?.matchLabels);
    }
  });
});

describe("the Deployment's companions", () => {
  const hpa = doc<IHorizontalPodAutoscaler>("HorizontalPodAutoscaler");
  const pdb = doc<IPodDisruptionBudget>("PodDisruptionBudget");

  it("scales from 2 pods on CPU (autoscaling/v2), scaling down one pod at a time", () => {
    expect(hpa.spec?.scaleTargetRef).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: deployment.metadata?.name,
    });
    expect(hpa.spec?.minReplicas).toBe(2);
    expect(hpa.spec?.maxReplicas).toBeGreaterThan(2);
    expect(hpa.spec?.metrics?.map((metric) => metric.resource?.name)).toEqual(["cpu"]);
    expect(hpa.spec?.behavior?.scaleDown?.policies).toEqual([{ type: "Pods", value: 1, periodSeconds: 60 }]);
  });

  it("has a PodDisruptionBudget that never blocks a node drain, even at the minimum replica count", () => {
    expect(pdb.spec?.maxUnavailable).toBe(1);
    expect(pdb.spec?.minAvailable).toBeUndefined();
    expect(pdb.spec?.unhealthyPodEvictionPolicy).toBe("AlwaysAllow");
    // One pod evicted at the HPA's minimum still leaves one serving.
    expect((hpa.spec?.minReplicas ?? 0) - 1).toBeGreaterThanOrEqual(1);
    subsetOf(pdb.spec?.selector?.matchLabels);
  });

  it("serves the pods through a ClusterIP Service on the named port", () => {
    const service = doc<IService>("Service");
    expect(service.spec?.type).toBe("ClusterIP");
    expect(service.spec?.ports).toEqual([{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }]);
    subsetOf(service.spec?.selector);
  });

  it("admits labelled client namespaces and Prometheus only, and lets out only DNS and HTTPS", () => {
    const policy = doc<INetworkPolicy>("NetworkPolicy").spec;
    subsetOf(policy?.podSelector.matchLabels);
    expect(policy?.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy?.ingress?.map((rule) => rule.ports)).toEqual([
      [{ port: "http", protocol: "TCP" }],
      [{ port: "http", protocol: "TCP" }],
    ]);
    const [clients, prometheus] = policy?.ingress?.map((rule) => rule.from) ?? [];
    expect(clients).toEqual([{ namespaceSelector: { matchLabels: { "llm-proxy/client": "true" } } }]);
    expect(prometheus?.[0]?.podSelector?.matchLabels).toEqual({ "app.kubernetes.io/name": "prometheus" });
    expect(policy?.egress?.map((rule) => rule.ports?.map((p) => `${p.port}/${p.protocol}`))).toEqual([
      ["53/UDP", "53/TCP"],
      ["443/TCP"],
    ]);
  });
});

describe("the Prometheus Operator resources", () => {
  const rule = doc<IPrometheusRule>("PrometheusRule");
  const [endpoint, ...others] = monitor.spec.podMetricsEndpoints;

  it("scrape every pod, with the job label the rules and the dashboard select", () => {
    const selected = new Set(
      [...listFiles("prometheus/rules", ".yml"), "grafana/dashboards/llm-observability.json"].flatMap(
        (file) => [...readText(file).matchAll(/job\\?="([^"\\]+)\\?"/g)].map((match) => match[1]),
      ),
    );
    expect(selected).toEqual(new Set(["llm-proxy"]));
    const jobLabel = monitor.spec.jobLabel ?? "";
    expect(podLabels[jobLabel]).toBe("llm-proxy");
    subsetOf(monitor.spec.selector.matchLabels);
    expect(others).toEqual([]);
    expect(endpoint?.port).toBe(container?.ports?.[0]?.name);
    expect(endpoint?.path).toBe("/metrics");
  });

  it("scrape with the METRICS_TOKEN bearer from the Secret the Deployment reads", () => {
    const ref = (container?.env ?? []).find((variable) => variable.name === "METRICS_TOKEN")?.valueFrom
      ?.secretKeyRef;
    expect(endpoint?.authorization).toEqual({
      type: "Bearer",
      credentials: { name: ref?.name, key: ref?.key },
    });
  });

  it("carry kube-prometheus-stack's release label, the same on both", () => {
    expect(monitor.metadata?.labels?.release).toBe("kube-prometheus-stack");
    expect(rule.metadata?.labels?.release).toBe(monitor.metadata?.labels?.release);
  });
});
