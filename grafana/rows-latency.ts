import { modelFilter as m, orZero, type PanelSpec, quantile, query, rate, ri } from "./panels.js";

/** Latency and token panels of the dashboard. */
export const latency: PanelSpec[] = [
  {
    title: "Latency p50 / p95 / p99 by model",
    exemplars: true,
    description: "Request receipt to last byte sent, streams included.",
    type: "timeseries",
    unit: "s",
    width: 12,
    redFrom: 30,
    queries: [0.5, 0.95, 0.99].map((q) =>
      query(quantile(q, "model", "llm_request_latency_seconds"), `p${Math.round(q * 100)} {{model}}`),
    ),
  },
  {
    title: "Time to first token p95 by model",
    exemplars: true,
    description: "Streamed requests: receipt to the first chunk with content. Alert: above 5s for 10m.",
    type: "timeseries",
    unit: "s",
    width: 12,
    redFrom: 5,
    queries: [query(quantile(0.95, "model", "llm_time_to_first_token_seconds"), "{{model}}")],
  },
  {
    title: "Latency distribution",
    exemplars: true,
    description: "Requests per latency bucket (llm_request_latency_seconds).",
    type: "heatmap",
    unit: "s",
    width: 12,
    queries: [query(`sum by (le) (increase(llm_request_latency_seconds_bucket{${m}}[${ri}]))`, "{{le}}")],
  },
  {
    title: "Latency p95 by endpoint and stream",
    exemplars: true,
    description: "Streams take as long as their output; compare like with like.",
    type: "timeseries",
    unit: "s",
    width: 12,
    queries: [
      query(
        quantile(0.95, "endpoint, stream", "llm_request_latency_seconds"),
        "{{endpoint}} stream={{stream}}",
      ),
    ],
  },
];

export const tokens: PanelSpec[] = [
  {
    title: "Tokens per second by type",
    description: "Billed prompt and completion tokens.",
    type: "timeseries",
    unit: "suffix: tok/s",
    width: 8,
    stacked: true,
    queries: [query(`sum by (type) (${rate("llm_tokens_total")})`, "{{type}}")],
  },
  {
    title: "Tokens per second by model and type",
    description: "Billed tokens per model.",
    type: "timeseries",
    unit: "suffix: tok/s",
    width: 8,
    queries: [query(`sum by (model, type) (${rate("llm_tokens_total")})`, "{{model}} {{type}}")],
  },
  {
    title: "Cached prompt and reasoning tokens per second",
    description: "Subsets of prompt (cached) and completion (reasoning) tokens.",
    type: "timeseries",
    unit: "suffix: tok/s",
    width: 8,
    queries: [
      query(
        orZero(
          `sum by (model) (${rate("llm_cached_tokens_total")})`,
          `sum by (model) (${rate("llm_tokens_total", `${m}, type="prompt"`)})`,
        ),
        "cached {{model}}",
      ),
      query(
        orZero(
          `sum by (model) (${rate("llm_reasoning_tokens_total")})`,
          `sum by (model) (${rate("llm_tokens_total", `${m}, type="completion"`)})`,
        ),
        "reasoning {{model}}",
      ),
    ],
  },
];
