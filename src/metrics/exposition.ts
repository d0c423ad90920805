import type { Registry } from "prom-client";
import { openMetricsContentType, renderOpenMetrics } from "./openmetrics.js";

export interface Exposition {
  readonly body: string;
  readonly contentType: string;
}

/** What GET /metrics answers, given the scraper's Accept header. */
export type MetricsExposer = (accept: string | undefined) => Promise<Exposition>;

export interface ExposerOptions {
  /**
   * Answer OpenMetrics (with exemplars) to a scraper that prefers it. Off, every scraper gets the text
   * format exactly as before; it is on only with tracing, the one source of exemplars.
   */
  readonly openMetrics: boolean;
}

export function createMetricsExposer(registry: Registry, { openMetrics }: ExposerOptions): MetricsExposer {
  // `registry.metrics` is looked up per scrape: in WORKERS mode it is replaced by the group's aggregate.
  const text = async (): Promise<Exposition> => ({
    body: await registry.metrics(),
    contentType: registry.contentType,
  });
  if (!openMetrics) return text;
  return async (accept) =>
    prefersOpenMetrics(accept)
      ? { body: await renderOpenMetrics(registry), contentType: openMetricsContentType }
      : text();
}

/**
 * True when the Accept header ranks OpenMetrics above the text format, as Prometheus does when it
 * scrapes (`application/openmetrics-text;version=1.0.0,...,text/plain;version=0.0.4;q=0.5,...`).
 * https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  let openMetrics = 0;
  let text = 0;
  for (const range of accept.split(",")) {
    const [type = "", ...params] = range.split(";").map((part) => part.trim().toLowerCase());
    const q = quality(params);
    if (type === "application/openmetrics-text") openMetrics = Math.max(openMetrics, q);
    else if (type === "text/plain") text = Math.max(text, q);
  }
  return openMetrics > 0 && openMetrics >= text;
}

function quality(params: readonly string[]): number {
  const q = params.find((param) => param.startsWith("q="));
  if (q === undefined) return 1;
  const value = Number(q.slice(2));
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
}
