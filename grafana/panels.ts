/**
 * Grafana panel JSON builders for grafana/dashboard.ts. Only the fields Grafana cannot default are
 * written, in the shapes of the panel schemas:
 * https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
 */

/** The uid fixed in grafana/provisioning/datasources, so the JSON needs no ${DS_…} import inputs. */
const datasourceUid = "prometheus";
export const datasource = { type: "prometheus", uid: datasourceUid } as const;

/** Grafana substitutes these; the live test substitutes them the same way. */
export const modelFilter = 'model=~"$model"';

export type PanelType = "timeseries" | "stat" | "heatmap" | "bargauge";

export interface QuerySpec {
  readonly expr: string;
  readonly legend: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly type: PanelType;
  /** Grafana unit id: https://grafana.com/docs/grafana/latest/panels-visualizations/configure-standard-options/#unit */
  readonly unit: string;
  readonly queries: readonly QuerySpec[];
  readonly width: number;
  readonly height?: number;
  readonly stacked?: boolean;
  /** Values at or above this turn red (stat, bargauge and threshold lines). */
  readonly redFrom?: number;
  /** Values below this turn red instead (headroom). */
  readonly redBelow?: number;
  /**
   * Also fetch the exemplars of the queried histograms: with tracing on, each dot opens its request's
   * trace through the Prometheus datasource's exemplarTraceIdDestinations (docs/tracing.md).
   */
  readonly exemplars?: boolean;
}

export interface GridPos {
  readonly h: number;
  readonly w: number;
  readonly x: number;
  readonly y: number;
}

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

const refIds = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

export function query(expr: string, legend: string): QuerySpec {
  return { expr, legend };
}

function thresholds(spec: PanelSpec): Json {
  if (spec.redBelow !== undefined) {
    return {
      mode: "absolute",
      steps: [
        { color: "red", value: null },
        { color: "green", value: spec.redBelow },
      ],
    };
  }
  const steps: Json[] = [{ color: "green", value: null }];
  if (spec.redFrom !== undefined) steps.push({ color: "red", value: spec.redFrom });
  return { mode: "absolute", steps };
}

function targets(spec: PanelSpec): Json[] {
  return spec.queries.map((q, index) => ({
    datasource,
    refId: refIds[index] ?? `Q${index}`,
    expr: q.expr,
    legendFormat: q.legend,
    range: spec.type !== "bargauge",
    instant: spec.type === "bargauge",
    ...(spec.type === "heatmap" ? { format: "heatmap" } : {}),
    ...(spec.exemplars === true ? { exemplar: true } : {}),
  }));
}

function options(spec: PanelSpec): Json {
  const reduceOptions = { calcs: ["lastNotNull"], fields: "", values: false };
  switch (spec.type) {
    case "timeseries":
      return {
        legend: { displayMode: "table", placement: "bottom", calcs: ["mean", "max", "lastNotNull"] },
        tooltip: { mode: "multi", sort: "desc" },
      };
    case "stat":
      return { reduceOptions, colorMode: "value", graphMode: "area", textMode: "auto", justifyMode: "auto" };
    case "bargauge":
      return { reduceOptions, orientation: "horizontal", displayMode: "gradient", showUnfilled: true };
    case "heatmap":
      // Buckets come pre-computed from the histogram (format: heatmap), so Grafana must not re-bucket.
      return {
        calculate: false,
        yAxis: { axisPlacement: "left", unit: spec.unit },
        cellValues: { unit: "short" },
        color: { mode: "scheme", scheme: "Oranges", scale: "exponential", exponent: 0.5, steps: 64 },
        rowsFrame: { layout: "auto" },
        tooltip: { mode: "single", yHistogram: true },
        legend: { show: true },
        filterValues: { le: 1e-9 },
      };
  }
}

function fieldDefaults(spec: PanelSpec): Json {
  // Heatmap cells count requests; the seconds belong to its y axis (options.yAxis.unit).
  const unit = spec.type === "heatmap" ? "short" : spec.unit;
  const custom: Json =
    spec.type === "timeseries"
      ? {
          drawStyle: "line",
          lineWidth: 1,
          fillOpacity: spec.stacked === true ? 30 : 10,
          showPoints: "never",
          stacking: { mode: spec.stacked === true ? "normal" : "none", group: "A" },
          thresholdsStyle: {
            mode: spec.redFrom !== undefined || spec.redBelow !== undefined ? "line" : "off",
          },
        }
      : {};
  const color = spec.type === "stat" || spec.type === "bargauge" ? "thresholds" : "palette-classic";
  return { unit, min: 0, color: { mode: color }, thresholds: thresholds(spec), custom };
}

export function panel(spec: PanelSpec, id: number, gridPos: GridPos): Json {
  return {
    id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    datasource,
    gridPos: { ...gridPos },
    fieldConfig: { defaults: fieldDefaults(spec), overrides: [] },
    options: options(spec),
    targets: targets(spec),
  };
}

export function row(title: string, id: number, y: number): Json {
  return { id, type: "row", title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] };
}

// PromQL builders shared by the dashboard rows; Grafana fills in $model and $__rate_interval.
export const ri = "$__rate_interval";

export const proxyJob = 'job="llm-proxy"';

export const rate = (metric: string, filter = modelFilter) => `rate(${metric}{${filter}}[${ri}])`;

export const quantile = (q: number, by: string, metric: string, filter = modelFilter) =>
  `histogram_quantile(${q}, sum by (${by}, le) (${rate(`${metric}_bucket`, filter)}))`;

/** "or 0 * …" draws 0 instead of "No data" while a counter has never been incremented. */
export const orZero = (expr: string, like: string) => `${expr} or 0 * ${like}`;

/** 4xx and 5xx except 499: a client that went away is neither a success nor a failure. */
export const failedFilter = `${modelFilter}, code=~"[45]..", code!="499"`;
export const answeredFilter = `${modelFilter}, code!="499"`;
