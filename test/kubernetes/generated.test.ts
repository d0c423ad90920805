import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  readSources,
  renderDashboardConfigMap,
  renderGenerated,
  renderPrometheusRule,
  type Sources,
} from "../../deploy/kubernetes/generated.js";
import { listFiles, repoRoot } from "../observability/tools.js";
import { readText } from "./manifests.js";

describe("the generated manifests (rerun: npm run kubernetes:generate)", () => {
  const sources = readSources(repoRoot);

  it("are exactly what the generator writes from today's sources", () => {
    for (const file of renderGenerated(sources)) expect(readText(file.path), file.path).toBe(file.text);
  });

  it("carry exactly the groups of every prometheus/rules/*.yml in the PrometheusRule", () => {
    expect(sources.rules.map((file) => file.path)).toEqual(listFiles("prometheus/rules", ".yml"));
    const written = parse(readText(renderPrometheusRule(sources).path)) as { spec: { groups: unknown[] } };
    const groups = sources.rules.flatMap((file) => (parse(file.text) as { groups: unknown[] }).groups);
    expect(groups.length).toBeGreaterThanOrEqual(2);
    expect(written.spec.groups).toEqual(groups);
  });

  it("carry the dashboard JSON byte for byte, labelled for Grafana's sidecar", () => {
    const written = parse(readText(renderDashboardConfigMap(sources).path)) as {
      metadata: { labels: Record<string, string> };
      data: Record<string, string>;
    };
    expect(written.metadata.labels.grafana_dashboard).toBe("1");
    expect(written.data["llm-observability.json"]).toBe(sources.dashboard.text);
  });

  it("go stale, and the check says so, when a rule or the dashboard changes", () => {
    const [first, ...rest] = sources.rules;
    if (first === undefined) throw new Error("no rule files");
    const editedRules: Sources = {
      ...sources,
      rules: [{ ...first, text: first.text.replace(/for: (\d+)m/, "for: 9$1m") }, ...rest],
    };
    const editedDashboard: Sources = {
      ...sources,
      dashboard: { ...sources.dashboard, text: sources.dashboard.text.replace('"LLM', '"LLM!') },
    };
    const rule = renderPrometheusRule(editedRules);
    const dashboard = renderDashboardConfigMap(editedDashboard);
    expect(readText(rule.path)).not.toBe(rule.text);
    expect(readText(dashboard.path)).not.toBe(dashboard.text);
  });
});
