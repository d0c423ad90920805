import { randomUUID } from "node:crypto";
import type { Pricer } from "../pricing/types.js";
import { isCountableUsage } from "../usage/read-usage.js";
import type { Usage } from "../usage/types.js";
import { type RateLimitHeaders, readRateLimits } from "./rate-limit-headers.js";
import type {
  Attribution,
  Endpoint,
  ErrorType,
  ModelSeries,
  RecorderOptions,
  RequestMeter,
  RequestRecord,
  RequestWatcher,
} from "./types.js";

export interface SharedContext {
  readonly options: RecorderOptions;
  readonly now: () => number;
  readonly unattributed: Attribution;
}

export interface EndpointContext {
  readonly endpoint: Endpoint;
  readonly inFlight: { inc(): void; dec(): void };
  readonly overhead: { observe(seconds: number): void };
}

/**
 * One request's measurements. A class over two shared contexts rather than a dozen closures per
 * request: the meter was 4.5% of the proxy's CPU under load as closures (bench/results/profile.md).
 */
export class Meter implements RequestMeter {
  readonly receivedAt: number;
  finished = false;
  costUsd: number | undefined;
  private model: string;
  private requestedModel: string | undefined;
  private series: ModelSeries | undefined;
  private attribution: Attribution;
  private attributed = false;
  private requestId: string | undefined;
  private ttftSeconds: number | undefined;
  private recordedUsage: Usage | undefined;
  private stream = false;
  private usageEstimated = false;
  private overheadMs = 0;

  constructor(
    private readonly shared: SharedContext,
    private readonly at: EndpointContext,
    private readonly watcher: RequestWatcher | undefined,
  ) {
    this.receivedAt = shared.now();
    this.model = shared.options.labelModel(undefined);
    this.attribution = shared.unattributed;
    at.inFlight.inc();
  }

  private seriesOf(): ModelSeries {
    this.series ??= this.attribution.caller.seriesFor(this.model);
    return this.series;
  }

  attribute(attribution: Attribution): void {
    if (this.attributed) return;
    this.attributed = true;
    this.attribution = attribution;
    this.series = undefined;
  }

  setModel(name: string | undefined): void {
    this.requestedModel = name;
    this.model = this.shared.options.labelModel(name);
    this.series = undefined;
  }

  setRequestId(id: string | undefined): void {
    this.requestId = id;
  }

  setStream(stream: boolean): void {
    this.stream = stream;
  }

  firstToken(): void {
    if (this.ttftSeconds !== undefined || this.finished) return;
    this.ttftSeconds = (this.shared.now() - this.receivedAt) / 1000;
    const exemplarLabels = this.watcher?.exemplar;
    if (exemplarLabels === undefined) this.seriesOf().ttft().observe(this.ttftSeconds);
    else {
      const labels = { model: this.model };
      this.shared.options.definitions.ttft.observe({ labels, value: this.ttftSeconds, exemplarLabels });
    }
  }

  usage(reported: Usage, options: { estimated?: boolean; answeredBy?: string | undefined } = {}): void {
    if (this.recordedUsage !== undefined || this.finished) return;
    if (!isCountableUsage(reported)) {
      this.shared.options.onUncountableUsage?.();
      return;
    }
    this.recordedUsage = reported;
    this.usageEstimated = options.estimated ?? false;
    const pricedAs = { requested: this.requestedModel ?? this.model, answeredBy: options.answeredBy };
    const { pricer } = this.shared.options;
    this.costUsd = recordUsage(this.seriesOf(), pricer, reported, this.usageEstimated, pricedAs);
  }

  rateLimits(headers: RateLimitHeaders): void {
    recordRateLimits(this.seriesOf(), headers);
  }

  addOverhead(ms: number): void {
    this.overheadMs += ms;
  }

  finish(status: number, errorType?: ErrorType): void {
    if (this.finished) return;
    this.finished = true;
    this.at.inFlight.dec();
    const latencySeconds = (this.shared.now() - this.receivedAt) / 1000;
    const series = this.seriesOf();
    series.requests(this.at.endpoint, this.stream, status).inc();
    this.observeLatency(series, latencySeconds);
    if (errorType !== undefined) series.error(errorType).inc();
    this.at.overhead.observe(this.overheadMs / 1000);
    const { onFinish } = this.shared.options;
    if (onFinish === undefined && this.watcher === undefined) return;
    const record: RequestRecord = {
      // Requests refused before the upstream have no x-request-id; the log still needs a handle.
      requestId: this.requestId ?? randomUUID(),
      model: this.model,
      endpoint: this.at.endpoint,
      stream: this.stream,
      status,
      latencySeconds,
      ttftSeconds: this.ttftSeconds,
      usage: this.recordedUsage,
      usageEstimated: this.usageEstimated,
      costUsd: this.costUsd,
      errorType,
      caller: this.attribution.logged,
    };
    onFinish?.(record);
    this.watcher?.finished(record);
  }

  /** Through the cached child, or, with an exemplar to keep, through the histogram itself. */
  private observeLatency(series: ModelSeries, value: number): void {
    const exemplarLabels = this.watcher?.exemplar;
    if (exemplarLabels === undefined) {
      series.latency(this.at.endpoint, this.stream).observe(value);
      return;
    }
    const labels = { model: this.model, endpoint: this.at.endpoint, stream: String(this.stream) };
    this.shared.options.definitions.latency.observe({ labels, value, exemplarLabels });
  }
}

function recordUsage(
  series: ModelSeries,
  pricer: Pricer,
  usage: Usage,
  estimated: boolean,
  pricedAs: { requested: string; answeredBy: string | undefined },
) {
  series.promptTokens().inc(usage.promptTokens);
  series.completionTokens().inc(usage.completionTokens);
  // Zero increments still create the series, so a model's cache-hit ratio reads 0, not "No data".
  series.cachedTokens().inc(usage.cachedTokens);
  series.reasoningTokens().inc(usage.reasoningTokens);
  if (estimated) series.usageEstimated().inc();
  const priced = pricer.costOf(pricedAs.requested, usage, pricedAs.answeredBy);
  // Counts below 2^53 keep list prices finite, but a PRICES_FILE price is only known to be finite: a
  // product that overflows is no cost, never an exception out of prom-client after the client got its answer.
  const cost = priced !== undefined && Number.isFinite(priced) && priced >= 0 ? priced : undefined;
  if (cost === undefined) series.unpriced().inc();
  else series.cost().inc(cost);
  return cost;
}

function recordRateLimits(series: ModelSeries, headers: RateLimitHeaders) {
  const limits = readRateLimits(headers);
  if (limits.requestsRemaining !== undefined)
    series.ratelimitRemaining("requests").set(limits.requestsRemaining);
  if (limits.requestsLimit !== undefined) series.ratelimitLimit("requests").set(limits.requestsLimit);
  if (limits.tokensRemaining !== undefined) series.ratelimitRemaining("tokens").set(limits.tokensRemaining);
  if (limits.tokensLimit !== undefined) series.ratelimitLimit("tokens").set(limits.tokensLimit);
}
