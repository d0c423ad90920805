import { datasource, type GridPos, type Json, type PanelSpec, panel, row } from "./panels.js";
import { caller, groupByVariable } from "./rows-caller.js";
import { cost, proxyProcess, upstream } from "./rows-cost.js";
import { latency, tokens } from "./rows-latency.js";
import { errors, overview, traffic } from "./rows-traffic.js";

/**
 * The "LLM Observability" dashboard as code: grafana/dashboards/llm-observability.json is this output
 * (`npx tsx grafana/generate.ts` rewrites it; a test fails when they differ), so every expression can be
 * checked against the metric definitions and evaluated against a real Prometheus in the tests.
 */

const sections: ReadonlyArray<readonly [string, readonly PanelSpec[]]> = [
  ["Overview", overview],
  ["Traffic", traffic],
  ["Errors", errors],
  ["Latency", latency],
  ["Tokens", tokens],
  ["Cost", cost],
  ["Spend and usage by caller", caller],
  ["Upstream rate limits", upstream],
  ["Proxy process", proxyProcess],
];

/** Rows of panels left to right, wrapping at Grafana's 24 columns. */
function layout(): Json[] {
  const panels: Json[] = [];
  let id = 1;
  let y = 0;
  for (const [title, specs] of sections) {
    panels.push(row(title, id++, y++));
    let x = 0;
    let rowHeight = 0;
    for (const spec of specs) {
      const h = spec.height ?? 8;
      if (x + spec.width > 24) [x, y, rowHeight] = [0, y + rowHeight, 0];
      const gridPos: GridPos = { h, w: spec.width, x, y };
      panels.push(panel(spec, id++, gridPos));
      x += spec.width;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return panels;
}

const modelVariable: Json = {
  name: "model",
  label: "Model",
  type: "query",
  datasource,
  definition: "label_values(llm_requests_total, model)",
  query: {
    qryType: 1,
    query: "label_values(llm_requests_total, model)",
    refId: "PrometheusVariableQueryEditor-VariableQuery",
  },
  multi: true,
  includeAll: true,
  allValue: ".*",
  current: { selected: true, text: ["All"], value: ["$__all"] },
  refresh: 2,
  sort: 1,
  regex: "",
  options: [],
  hide: 0,
};

function buildDashboard(): Json {
  return {
    uid: "llm-observability",
    title: "LLM Observability",
    description: "Traffic, errors, latency, tokens, cost and upstream headroom through the LLM proxy.",
    tags: ["llm", "openai", "proxy"],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    time: { from: "now-1h", to: "now" },
    refresh: "10s",
    timezone: "browser",
    annotations: { list: [] },
    links: [],
    templating: { list: [modelVariable, groupByVariable] },
    panels: layout(),
  };
}

/** The exact bytes of grafana/dashboards/llm-observability.json. */
export function renderDashboard(): string {
  return `${JSON.stringify(buildDashboard(), null, 2)}\n`;
}
