import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Endpoint, Usage } from "../usage/types.js";
import type { ErrorType, MetricDefinitions } from "./definitions.js";
import type { ModelLabeler } from "./model-labels.js";
import { createSeriesCache, type ModelSeries, memo } from "./model-series.js";
import { type RateLimitHeaders, readRateLimits } from "./rate-limits.js";

/** What one finished request was; the access log writes it, the metrics above already hold it. */
export interface RequestRecord {
  readonly requestId: string | undefined;
  readonly model: string;
  readonly endpoint: Endpoint;
  readonly stream: boolean;
  readonly status: number;
  readonly latencySeconds: number;
  readonly ttftSeconds: number | undefined;
  readonly usage: Usage | undefined;
  readonly usageEstimated: boolean;
  readonly costUsd: number | undefined;
  readonly errorType: ErrorType | undefined;
}

export interface Pricer {
  /** USD for this usage, or undefined when the model has no price (then the cost is unknown, not zero). */
  costOf(model: string, usage: Usage): number | undefined;
}

export interface RecorderOptions {
  readonly definitions: MetricDefinitions;
  readonly labelModel: ModelLabeler;
  readonly pricer: Pricer;
  readonly onFinish?: (record: RequestRecord) => void;
  readonly now?: () => number;
}

export interface RequestMeter {
  readonly receivedAt: number;
  /** The model the client asked for; sets the label every series of this request is recorded under. */
  setModel(model: string | undefined): void;
  setRequestId(id: string | undefined): void;
  /** Whether the client asked for a stream; known once the body is parsed. */
  setStream(stream: boolean): void;
  /** Marks the first chunk that carries content (streams only); later calls are ignored. */
  firstToken(): void;
  /** Records billed tokens and their cost; a request has one usage, later calls are ignored. */
  usage(usage: Usage, options?: { estimated?: boolean; pricedAs?: string }): void;
  rateLimits(headers: RateLimitHeaders): void;
  /** Time spent working inside the proxy, in ms (waits for the upstream and the client excluded). */
  addOverhead(ms: number): void;
  /** Counts the request exactly once, with the status sent to the client; later calls are ignored. */
  finish(status: number, errorType?: ErrorType): void;
  readonly finished: boolean;
  /** The cost recorded so far; undefined before usage, or when the model has no price. */
  readonly costUsd: number | undefined;
}

export interface Recorder {
  begin(endpoint: Endpoint, stream: boolean): RequestMeter;
}

export function createRecorder(options: RecorderOptions): Recorder {
  const seriesFor = createSeriesCache(options.definitions);
  const inFlightFor = memo((endpoint) => options.definitions.inFlight.labels({ endpoint }));
  const overheadFor = memo((endpoint) => options.definitions.overhead.labels({ endpoint }));
  return {
    begin(endpoint, stream) {
      const inFlight = inFlightFor(endpoint);
      const overhead = overheadFor(endpoint);
      return createMeter({ ...options, seriesFor, inFlight, overhead, endpoint, stream });
    },
  };
}

interface MeterContext extends RecorderOptions {
  readonly seriesFor: (model: string) => ModelSeries;
  readonly inFlight: { inc(): void; dec(): void };
  readonly overhead: { observe(seconds: number): void };
  readonly endpoint: Endpoint;
  readonly stream: boolean;
}

function createMeter(ctx: MeterContext): RequestMeter {
  const now = ctx.now ?? performance.now.bind(performance);
  const receivedAt = now();
  let model = ctx.labelModel(undefined);
  let requestedModel: string | undefined;
  let series: ModelSeries | undefined;
  let requestId: string | undefined;
  let stream = ctx.stream;
  let ttftSeconds: number | undefined;
  let usage: Usage | undefined;
  let usageEstimated = false;
  let costUsd: number | undefined;
  let overheadMs = 0;
  let finished = false;
  const seriesOf = () => {
    series ??= ctx.seriesFor(model);
    return series;
  };
  ctx.inFlight.inc();

  return {
    receivedAt,
    get finished() {
      return finished;
    },
    get costUsd() {
      return costUsd;
    },
    setModel(name) {
      requestedModel = name;
      model = ctx.labelModel(name);
      series = undefined;
    },
    setRequestId(id) {
      requestId = id;
    },
    setStream(value) {
      stream = value;
    },
    firstToken() {
      if (ttftSeconds !== undefined || finished) return;
      ttftSeconds = (now() - receivedAt) / 1000;
      seriesOf().ttft().observe(ttftSeconds);
    },
    usage(reported, { estimated = false, pricedAs } = {}) {
      if (usage !== undefined || finished) return;
      usage = reported;
      usageEstimated = estimated;
      costUsd = recordUsage(seriesOf(), ctx.pricer, reported, estimated, pricedAs ?? requestedModel ?? model);
    },
    rateLimits(headers) {
      recordRateLimits(seriesOf(), headers);
    },
    addOverhead(ms) {
      overheadMs += ms;
    },
    finish(status, errorType) {
      if (finished) return;
      finished = true;
      ctx.inFlight.dec();
      const latencySeconds = (now() - receivedAt) / 1000;
      const s = seriesOf();
      s.requests(ctx.endpoint, stream, status).inc();
      s.latency(ctx.endpoint, stream).observe(latencySeconds);
      if (errorType !== undefined) s.error(errorType).inc();
      ctx.overhead.observe(overheadMs / 1000);
      ctx.onFinish?.({
        // Requests refused before the upstream have no x-request-id; the log still needs a handle.
        requestId: requestId ?? randomUUID(),
        model,
        endpoint: ctx.endpoint,
        stream,
        status,
        latencySeconds,
        ttftSeconds,
        usage,
        usageEstimated,
        costUsd,
        errorType,
      });
    },
  };
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
