import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./tools.js";

/** The slice of Grafana's dashboard JSON model the tests read. */
export interface DashboardTarget {
  readonly refId: string;
  readonly expr: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly exemplar?: boolean;
}

export interface DashboardPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly fieldConfig?: { readonly defaults?: { readonly unit?: string } };
  readonly options?: { readonly yAxis?: { readonly unit?: string } };
  readonly targets?: readonly DashboardTarget[];
  readonly panels?: readonly DashboardPanel[];
}

export interface Dashboard {
  readonly title: string;
  readonly uid: string;
  readonly panels: readonly DashboardPanel[];
  readonly templating: { readonly list: readonly Record<string, unknown>[] };
}

const dashboardPath = "grafana/dashboards/llm-observability.json";

export function readDashboardText(): string {
  return readFileSync(join(repoRoot, dashboardPath), "utf8");
}

export function loadDashboard(): Dashboard {
  return JSON.parse(readDashboardText()) as Dashboard;
}

/** Every panel, including those nested in collapsed rows, rows themselves excluded. */
export function queryPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => (panel.type === "row" ? (panel.panels ?? []) : [panel]));
}

export interface PanelQuery {
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
}

export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  return queryPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, refId: target.refId, expr: target.expr })),
  );
}

/**
 * Stand-ins for Grafana's template and global variables, so an expression can be sent to Prometheus
 * as Grafana would send it: https://grafana.com/docs/grafana/latest/datasources/prometheus/template-variables/
 */
export const variableValues: Readonly<Record<string, string>> = {
  model: ".*",
  group_by: "model",
  __rate_interval: "1m",
  __interval: "15s",
  __range: "5m",
};

export function substituteVariables(expr: string, values = variableValues): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const value = values[braced ?? bare ?? ""];
    if (value === undefined) throw new Error(`unknown Grafana variable ${whole} in ${expr}`);
    return value;
  });
}
