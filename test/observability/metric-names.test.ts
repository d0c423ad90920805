import { describe, expect, it } from "vitest";
import { loadDashboard, panelQueries } from "./dashboard-model.js";
import { loadRules, proxyMetrics } from "./known-metrics.js";
import { metricNames } from "./promql-names.js";

// Recording rules are named level:metric:operations: https://prometheus.io/docs/practices/rules/
const ruleName = /^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$/;

describe("metric names in PromQL", () => {
  const rules = loadRules();
  const recorded = new Set(rules.flatMap((rule) => (rule.record === undefined ? [] : [rule.record])));

  async function unknownNames(queries: { where: string; expr: string }[]): Promise<string[]> {
    const { names } = await proxyMetrics();
    return queries.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !names.has(name) && !recorded.has(name))
        .map((name) => `${where}: ${name}`),
    );
  }

  it("finds the names in an expression and flags a misspelt one", async () => {
    const expr = 'sum by (model) (rate(llm_request_total{model=~"$model"}[5m])) / on (model) up offset 5m';
    expect(metricNames(expr)).toEqual(["llm_request_total", "up"]);
    expect(await unknownNames([{ where: "sample", expr }])).toEqual(["sample: llm_request_total"]);
  });

  it("uses only exported metrics and recording rules in the dashboard", async () => {
    const queries = panelQueries(loadDashboard()).map((q) => ({
      where: `${q.panel} ${q.refId}`,
      expr: q.expr,
    }));
    expect(queries.length).toBeGreaterThan(20);
    expect(await unknownNames(queries)).toEqual([]);
  });

  it("uses only exported metrics and recording rules in the rule files", async () => {
    const queries = rules.map((rule) => ({
      where: rule.record ?? rule.alert ?? rule.group,
      expr: rule.expr,
    }));
    expect(await unknownNames(queries)).toEqual([]);
  });

  it("names recording rules level:metric:operations, each once", () => {
    const records = rules.flatMap((rule) => (rule.record === undefined ? [] : [rule.record]));
    expect(records.length).toBeGreaterThan(10);
    expect(records.filter((name) => !ruleName.test(name))).toEqual([]);
    expect(new Set(records).size).toBe(records.length);
  });

  it("defines every alert the issue asks for", () => {
    const alerts = rules.flatMap((rule) => (rule.alert === undefined ? [] : [rule.alert]));
    expect(alerts).toEqual(
      expect.arrayContaining([
        "LLMProxyDown",
        "LLMHighErrorRatio",
        "LLMRateLimitSurge",
        "LLMLatencyP95AboveSLO",
        "LLMHourlySpendAboveBudget",
        "LLMUpstreamRateLimitHeadroomLow",
        "LLMKeyBudgetNearlySpent",
        "LLMKeyBudgetExceeded",
      ]),
    );
  });
});
