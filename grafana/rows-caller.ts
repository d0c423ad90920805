import { datasource, type Json, modelFilter as m, type PanelSpec, query, rate } from "./panels.js";

/**
 * Who spent it: the counters summed by the label picked in $group_by, which lists the labels of
 * llm_cost_usd_total (model, and with attribution configured key and the ATTRIBUTION_LABELS names).
 */
export const groupByVariable: Json = {
  name: "group_by",
  label: "Group by",
  type: "query",
  datasource,
  definition: "label_names(llm_cost_usd_total)",
  query: {
    qryType: 0,
    query: "label_names(llm_cost_usd_total)",
    match: "llm_cost_usd_total",
    refId: "PrometheusVariableQueryEditor-VariableQuery",
  },
  // Prometheus's own labels and the scrape target's are not callers.
  regex: "/^(?!(__name__|instance|job)$).+$/",
  multi: false,
  includeAll: false,
  current: { selected: true, text: "model", value: "model" },
  refresh: 2,
  sort: 1,
  options: [],
  hide: 0,
};

const by = "$group_by";
const legend = `{{${by}}}`;

export const caller: PanelSpec[] = [
  {
    title: "Spend per hour by $group_by",
    description: "List-price USD per hour at the current rate, summed by the label picked in Group by.",
    type: "timeseries",
    unit: "currencyUSD",
    width: 8,
    stacked: true,
    queries: [query(`sum by (${by}) (${rate("llm_cost_usd_total")}) * 3600`, legend)],
  },
  {
    title: "Spend over the range by $group_by",
    description: "List-price USD in the dashboard's time range.",
    type: "bargauge",
    unit: "currencyUSD",
    width: 5,
    queries: [query(`sum by (${by}) (increase(llm_cost_usd_total{${m}}[$__range]))`, legend)],
  },
  {
    title: "Tokens per second by $group_by",
    description: "Prompt and completion tokens billed, summed by the label picked in Group by.",
    type: "timeseries",
    unit: "short",
    width: 6,
    stacked: true,
    queries: [query(`sum by (${by}) (${rate("llm_tokens_total")})`, legend)],
  },
  {
    title: "Requests per second by $group_by",
    description: "Every answered request, failures and refusals included (key none: no valid key).",
    type: "timeseries",
    unit: "reqps",
    width: 5,
    stacked: true,
    queries: [query(`sum by (${by}) (${rate("llm_requests_total")})`, legend)],
  },
  {
    title: "Budget used by key",
    description:
      "Spend over the key's budget period (day: 24 h, month: 30 d), all replicas, as a share of llm_budget_usd. Alerts at 80% and 100%; a key over budget is still served.",
    type: "bargauge",
    unit: "percentunit",
    width: 24,
    height: 6,
    redFrom: 1,
    queries: [query("max by (key, period) (key_period:llm_budget_spent:ratio)", "{{key}} ({{period}})")],
  },
];
