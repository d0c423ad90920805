import {
  modelFilter as m,
  orZero,
  type PanelSpec,
  proxyJob as proxy,
  quantile,
  query,
  rate,
} from "./panels.js";

/** Cost, upstream rate-limit and proxy-process panels of the dashboard. */
export const cost: PanelSpec[] = [
  {
    title: "Spend per hour by model",
    description: "List-price USD per hour at the current rate. Alert: more than 10 USD over the last hour.",
    type: "timeseries",
    unit: "currencyUSD",
    width: 8,
    stacked: true,
    queries: [query(`sum by (model) (${rate("llm_cost_usd_total")}) * 3600`, "{{model}}")],
  },
  {
    title: "Spend over the range by model",
    description: "List-price USD in the dashboard's time range.",
    type: "bargauge",
    unit: "currencyUSD",
    width: 5,
    queries: [query(`sum by (model) (increase(llm_cost_usd_total{${m}}[$__range]))`, "{{model}}")],
  },
  {
    title: "Cost per 1k requests by model",
    description: "USD per thousand answered requests.",
    type: "timeseries",
    unit: "currencyUSD",
    width: 6,
    queries: [
      query(
        `1000 * sum by (model) (${rate("llm_cost_usd_total")}) / sum by (model) (${rate("llm_requests_total")})`,
        "{{model}}",
      ),
    ],
  },
  {
    title: "Unpriced and estimated requests per second",
    description:
      "Unpriced: no price known, so their cost is missing (not zero). Estimated: usage counted with a tokenizer.",
    type: "timeseries",
    unit: "reqps",
    width: 5,
    queries: [
      query(
        orZero(
          `sum by (model) (${rate("llm_unpriced_requests_total")})`,
          `sum by (model) (${rate("llm_requests_total")})`,
        ),
        "unpriced {{model}}",
      ),
      query(
        orZero(
          `sum by (model) (${rate("llm_usage_estimated_total")})`,
          `sum by (model) (${rate("llm_requests_total")})`,
        ),
        "estimated {{model}}",
      ),
    ],
  },
];

export const upstream: PanelSpec[] = [
  {
    title: "Upstream rate-limit headroom",
    description: "x-ratelimit-remaining / x-ratelimit-limit, tightest replica. Alert: below 10% for 2m.",
    type: "timeseries",
    unit: "percentunit",
    width: 12,
    redBelow: 0.1,
    queries: [
      query(
        `min by (model, resource) (llm_ratelimit_remaining{${m}} / (llm_ratelimit_limit{${m}} > 0))`,
        "{{model}} {{resource}}",
      ),
    ],
  },
  {
    title: "Upstream remaining and limit",
    description: "Raw x-ratelimit-* header values (requests or tokens per window).",
    type: "timeseries",
    unit: "short",
    width: 12,
    queries: [
      query(`min by (model, resource) (llm_ratelimit_remaining{${m}})`, "remaining {{model}} {{resource}}"),
      query(`max by (model, resource) (llm_ratelimit_limit{${m}})`, "limit {{model}} {{resource}}"),
    ],
  },
];

export const proxyProcess: PanelSpec[] = [
  {
    title: "Proxy overhead p50 / p99 by endpoint",
    description: "Time spent inside the proxy, excluding upstream and client waits.",
    type: "timeseries",
    unit: "s",
    width: 6,
    queries: [0.5, 0.99].map((q) =>
      query(
        quantile(q, "endpoint", "llm_proxy_overhead_seconds", ""),
        `p${Math.round(q * 100)} {{endpoint}}`,
      ),
    ),
  },
  {
    title: "Proxy CPU",
    description: "CPU seconds per second per replica (100% = one core).",
    type: "timeseries",
    unit: "percentunit",
    width: 6,
    queries: [query(`sum by (instance) (${rate("process_cpu_seconds_total", proxy)})`, "{{instance}}")],
  },
  {
    title: "Proxy memory",
    description: "Resident set and V8 heap in use per replica.",
    type: "timeseries",
    unit: "bytes",
    width: 6,
    queries: [
      query(`process_resident_memory_bytes{${proxy}}`, "RSS {{instance}}"),
      query(`nodejs_heap_size_used_bytes{${proxy}}`, "heap {{instance}}"),
    ],
  },
  {
    title: "Event-loop lag p99",
    description: "A busy event loop delays every stream the replica carries.",
    type: "timeseries",
    unit: "s",
    width: 6,
    queries: [query(`nodejs_eventloop_lag_p99_seconds{${proxy}}`, "{{instance}}")],
  },
];
