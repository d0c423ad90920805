import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderDashboard } from "../../grafana/dashboard.js";
import {
  type DashboardPanel,
  loadDashboard,
  panelQueries,
  queryPanels,
  readDashboardText,
} from "./dashboard-model.js";
import { proxyMetrics } from "./known-metrics.js";
import { matchersOf, metricNames } from "./promql-names.js";
import { repoRoot } from "./tools.js";

interface DatasourceFile {
  datasources: { uid: string; type: string; url: string }[];
}

function provisionedUid(): string {
  const file = join(repoRoot, "grafana/provisioning/datasources/prometheus.yml");
  const parsed = parse(readFileSync(file, "utf8")) as DatasourceFile;
  const [prometheus] = parsed.datasources.filter((source) => source.type === "prometheus");
  if (prometheus === undefined) throw new Error("no prometheus datasource provisioned");
  return prometheus.uid;
}

function overlaps(a: DashboardPanel["gridPos"], b: DashboardPanel["gridPos"]): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe("grafana/dashboards/llm-observability.json", () => {
  const dashboard = loadDashboard();
  const panels = queryPanels(dashboard);

  it("is exactly what grafana/dashboard.ts generates (rerun: npx tsx grafana/generate.ts)", () => {
    expect(readDashboardText()).toBe(renderDashboard());
  });

  it("is titled LLM Observability and has panels", () => {
    expect(dashboard.title).toBe("LLM Observability");
    expect(dashboard.uid).toBe("llm-observability");
    expect(panels.length).toBeGreaterThan(20);
  });

  it("shows exemplars on the latency and TTFT panels, the two histograms that carry them", () => {
    const withExemplars = panels.filter((panel) => panel.targets?.some((target) => target.exemplar === true));
    expect(withExemplars.map((panel) => panel.title).sort()).toEqual(
      [
        "Latency distribution",
        "Latency p50 / p95 / p99 by model",
        "Latency p95 by endpoint and stream",
        "Time to first token p95 by model",
      ].sort(),
    );
    for (const panel of withExemplars) {
      for (const target of panel.targets ?? []) {
        expect(target.exemplar, panel.title).toBe(true);
        expect(target.expr).toMatch(/llm_(request_latency|time_to_first_token)_seconds_bucket/);
      }
    }
  });

  it("has unique panel ids", () => {
    const ids = dashboard.panels.flatMap((panel) => [panel.id, ...(panel.panels ?? []).map((p) => p.id)]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("lays panels out inside 24 columns without overlaps", () => {
    const all = dashboard.panels;
    for (const panel of all) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      expect(panel.gridPos.w * panel.gridPos.h, panel.title).toBeGreaterThan(0);
    }
    const clashes = all.flatMap((a, i) =>
      all.slice(i + 1).flatMap((b) => (overlaps(a.gridPos, b.gridPos) ? [`${a.title} / ${b.title}`] : [])),
    );
    expect(clashes).toEqual([]);
  });

  it("queries the provisioned datasource by its fixed uid on every panel and target", () => {
    const uid = provisionedUid();
    expect(readDashboardText()).not.toMatch(/\$\{?DS_/);
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe(uid);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe(uid);
    }
    for (const variable of dashboard.templating.list) {
      expect((variable.datasource as { uid?: string } | undefined)?.uid).toBe(uid);
    }
  });

  it("gives every panel a unit (a heatmap also on its y axis)", () => {
    for (const panel of panels) {
      expect(panel.fieldConfig?.defaults?.unit, panel.title).toMatch(/\S/);
      if (panel.type === "heatmap") expect(panel.options?.yAxis?.unit, panel.title).toBe("s");
    }
  });

  it("offers a multi-select model variable with All, from llm_requests_total", () => {
    const model = dashboard.templating.list.find((variable) => variable.name === "model");
    expect(model).toMatchObject({ type: "query", multi: true, includeAll: true });
    expect(model?.definition).toBe("label_values(llm_requests_total, model)");
  });

  it("offers a single-select group_by variable from the label names of llm_cost_usd_total", () => {
    const groupBy = dashboard.templating.list.find((variable) => variable.name === "group_by");
    expect(groupBy).toMatchObject({ type: "query", multi: false, includeAll: false });
    expect(groupBy?.definition).toBe("label_names(llm_cost_usd_total)");
    const regex = new RegExp(String(groupBy?.regex).replace(/^\/|\/$/g, ""));
    const shown = ["__name__", "instance", "job", "model", "key", "team"].filter((name) => regex.test(name));
    expect(shown).toEqual(["model", "key", "team"]);
  });

  it("sums spend, tokens and requests by ($group_by) in the caller row, and shows budget used by key", () => {
    const row = dashboard.panels.findIndex((panel) => panel.title === "Spend and usage by caller");
    expect(row).toBeGreaterThan(0);
    const next = dashboard.panels.findIndex((panel, i) => i > row && panel.type === "row");
    const inRow = dashboard.panels.slice(row + 1, next < 0 ? undefined : next);
    const exprs = inRow.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
    for (const metric of ["llm_cost_usd_total", "llm_tokens_total", "llm_requests_total"]) {
      expect(
        exprs.some((expr) => expr.startsWith("sum by ($group_by)") && expr.includes(metric)),
        metric,
      ).toBe(true);
    }
    expect(exprs).toContain("max by (key, period) (key_period:llm_budget_spent:ratio)");
  });

  it('filters by model=~"$model" every selector of a metric that has a model label', async () => {
    const { withModelLabel } = await proxyMetrics();
    const unfiltered = panelQueries(dashboard).flatMap(({ panel, refId, expr }) =>
      metricNames(expr)
        .filter((name) => withModelLabel.has(name))
        .flatMap((name) =>
          matchersOf(expr, name)
            .filter((matchers) => !matchers.includes('model=~"$model"'))
            .map(() => `${panel} ${refId}: ${name}`),
        ),
    );
    expect(unfiltered).toEqual([]);
  });
});
