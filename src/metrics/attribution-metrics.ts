import { Counter, Gauge, type Registry } from "prom-client";

/** Registered only when ATTRIBUTION_LABELS is set, so that an unconfigured proxy exports what it always did. */
export function createOverflowCounter(registry: Registry): Counter<"label"> {
  return new Counter({
    name: "llm_attribution_overflow_total",
    help: "Requests whose value of an attribution label came after MAX_ATTRIBUTION_VALUES others, so counted as other.",
    labelNames: ["label"],
    registers: [registry],
  });
}

/** Registered only when a client key has a budget. */
export function createBudgetGauge(registry: Registry): Gauge<"key" | "period"> {
  return new Gauge({
    name: "llm_budget_usd",
    help: "A client key's configured spending budget per period (day: 24 h, month: 30 d), in US dollars.",
    labelNames: ["key", "period"],
    // Every worker holds the same configured amount: the group's is that amount, not a sum.
    aggregator: "max",
    registers: [registry],
  });
}
