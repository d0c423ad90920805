import {
  answeredFilter,
  failedFilter,
  modelFilter as m,
  orZero,
  type PanelSpec,
  proxyJob as proxy,
  query,
  rate,
} from "./panels.js";

/** Overview, traffic and error panels of the dashboard. */
const failed = `sum by (model) (${rate("llm_requests_total", failedFilter)})`;
const answered = `sum by (model) (${rate("llm_requests_total", answeredFilter)})`;

export const overview: PanelSpec[] = [
  {
    title: "Requests per second",
    description: "All answers, every model selected.",
    type: "stat",
    unit: "reqps",
    width: 5,
    height: 4,
    queries: [query(`sum(${rate("llm_requests_total")})`, "requests/s")],
  },
  {
    title: "Error ratio",
    description:
      "4xx and 5xx among answered requests; 499 (client went away) counts on neither side. Alert: above 5% for 5m.",
    type: "stat",
    unit: "percentunit",
    width: 5,
    height: 4,
    redFrom: 0.05,
    queries: [
      query(
        `(sum(${rate("llm_requests_total", failedFilter)}) or vector(0)) / sum(${rate("llm_requests_total", answeredFilter)})`,
        "error ratio",
      ),
    ],
  },
  {
    title: "p95 latency",
    description: "Request receipt to last byte, all models selected. Alert: above 30s for 10m.",
    type: "stat",
    unit: "s",
    width: 5,
    height: 4,
    redFrom: 30,
    queries: [
      query(`histogram_quantile(0.95, sum by (le) (${rate("llm_request_latency_seconds_bucket")}))`, "p95"),
    ],
  },
  {
    title: "Spend over the range",
    description: "List-price USD of the billed tokens in the dashboard's time range.",
    type: "stat",
    unit: "currencyUSD",
    width: 5,
    height: 4,
    queries: [query(`sum(increase(llm_cost_usd_total{${m}}[$__range]))`, "USD")],
  },
  {
    title: "Proxy targets up",
    description: "Proxy replicas Prometheus scrapes successfully.",
    type: "stat",
    unit: "short",
    width: 4,
    height: 4,
    queries: [query(`sum(up{${proxy}})`, "up")],
  },
];

export const traffic: PanelSpec[] = [
  {
    title: "Requests per second by model",
    description: "Answers sent to clients, whatever their status.",
    type: "timeseries",
    unit: "reqps",
    width: 10,
    queries: [query(`sum by (model) (${rate("llm_requests_total")})`, "{{model}}")],
  },
  {
    title: "Requests per second by status code",
    description: "HTTP status sent to the client; 499 means the client went away.",
    type: "timeseries",
    unit: "reqps",
    width: 7,
    stacked: true,
    queries: [query(`sum by (code) (${rate("llm_requests_total")})`, "{{code}}")],
  },
  {
    title: "Requests in flight",
    description: "Requests being proxied right now, all replicas.",
    type: "timeseries",
    unit: "short",
    width: 7,
    queries: [query("sum by (endpoint) (llm_requests_in_flight)", "{{endpoint}}")],
  },
];

export const errors: PanelSpec[] = [
  {
    title: "Error ratio by model",
    description: "4xx and 5xx among answered requests (499 excluded). Alert: above 5% for 5m.",
    type: "timeseries",
    unit: "percentunit",
    width: 8,
    redFrom: 0.05,
    queries: [query(`(${orZero(failed, `${answered}`)}) / ${answered}`, "{{model}}")],
  },
  {
    title: "Errors per second by type",
    description:
      "rate_limit is an upstream 429; timeout, connection and stream_interrupted are the proxy's view of the upstream; stream_error is an error event inside a stream answered 200.",
    type: "timeseries",
    unit: "reqps",
    width: 8,
    stacked: true,
    queries: [query(`sum by (type) (${rate("llm_errors_total")})`, "{{type}}")],
  },
  {
    title: "429s per second by model",
    description:
      "Rate-limited answers sent to clients. Alert: upstream 429s above 0.1/s and 10% of requests for 2m.",
    type: "timeseries",
    unit: "reqps",
    width: 8,
    queries: [query(`sum by (model) (${rate("llm_requests_total", `${m}, code="429"`)})`, "{{model}}")],
  },
];
