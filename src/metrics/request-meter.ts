import { randomUUID } from "node:crypto";
import type { Endpoint, Usage } from "../usage/types.js";
import type { ErrorType } from "./definitions.js";
import type { ModelSeries } from "./model-series.js";
import { type RateLimitHeaders, readRateLimits } from "./rate-limits.js";
import type { Pricer, RecorderOptions, RequestMeter } from "./recorder.js";

export interface SharedContext {
  readonly options: RecorderOptions;
  readonly now: () => number;
  readonly seriesFor: (model: string) => ModelSeries;
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
  private requestId: string | undefined;
  private ttftSeconds: number | undefined;
  private recordedUsage: Usage | undefined;
  private usageEstimated = false;
  private overheadMs = 0;

  constructor(
    private readonly shared: SharedContext,
    private readonly at: EndpointContext,
    private stream: boolean,
  ) {
    this.receivedAt = shared.now();
    this.model = shared.options.labelModel(undefined);
    at.inFlight.inc();
  }

  private seriesOf(): ModelSeries {
    this.series ??= this.shared.seriesFor(this.model);
    return this.series;
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
    this.seriesOf().ttft().observe(this.ttftSeconds);
  }

  usage(reported: Usage, options: { estimated?: boolean; pricedAs?: string } = {}): void {
    if (this.recordedUsage !== undefined || this.finished) return;
    this.recordedUsage = reported;
    this.usageEstimated = options.estimated ?? false;
    const pricedAs = options.pricedAs ?? this.requestedModel ?? this.model;
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
    const s = this.seriesOf();
    s.requests(this.at.endpoint, this.stream, status).inc();
    s.latency(this.at.endpoint, this.stream).observe(latencySeconds);
    if (errorType !== undefined) s.error(errorType).inc();
    this.at.overhead.observe(this.overheadMs / 1000);
    this.shared.options.onFinish?.({
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
    });
  }
}

function recordUsage(s: ModelSeries, pricer: Pricer, u: Usage, estimated: boolean, pricedAs: string) {
  s.promptTokens().inc(u.promptTokens);
  s.completionTokens().inc(u.completionTokens);
  // Zero increments still create the series, so a model's cache-hit ratio reads 0, not "No data".
  s.cachedTokens().inc(u.cachedTokens);
  s.reasoningTokens().inc(u.reasoningTokens);
  if (estimated) s.usageEstimated().inc();
  const cost = pricer.costOf(pricedAs, u);
  if (cost === undefined) s.unpriced().inc();
  else s.cost().inc(cost);
  return cost;
}

function recordRateLimits(s: ModelSeries, headers: RateLimitHeaders) {
  const limits = readRateLimits(headers);
  if (limits.requestsRemaining !== undefined) s.ratelimitRemaining("requests").set(limits.requestsRemaining);
  if (limits.requestsLimit !== undefined) s.ratelimitLimit("requests").set(limits.requestsLimit);
  if (limits.tokensRemaining !== undefined) s.ratelimitRemaining("tokens").set(limits.tokensRemaining);
  if (limits.tokensLimit !== undefined) s.ratelimitLimit("tokens").set(limits.tokensLimit);
}
