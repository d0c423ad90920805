import type { RequestMeter } from "../metrics/types.js";
import { StreamPipeline } from "../stream/stream-pipeline.js";
import { observeResponseInfo, responseInfoOf } from "../tracing/response-info.js";
import type { RequestTrace } from "../tracing/types.js";
import { createBodyCollector } from "../usage/body-collector.js";
import type { StreamObserver, UsageEstimator, UsageExtractor } from "../usage/types.js";
import type { ClientWriter } from "./client-writer.js";
import type { BodyConsumer } from "./relay.js";
import type { ParsedRequest } from "./request-body.js";

/** A metered response body: relayed to the client, read for its usage on the way. */
export interface MeteredBody extends BodyConsumer {
  /**
   * The one end-of-body step: records the usage the body reported, or an estimate of it when the body
   * was complete and reported none. `complete` is false when the body was cut short.
   */
  settle(complete: boolean): void;
  /** Whether a stream carried an error event (counted as `stream_error`). */
  readonly errorEvent: boolean;
}

export interface MeteringContext {
  readonly extractor: UsageExtractor;
  readonly meter: RequestMeter;
  /** With tracing on, the request's span also learns the response's id, model and finish reasons. */
  readonly trace?: RequestTrace | undefined;
  readonly parsed: ParsedRequest;
  readonly estimator: UsageEstimator | undefined;
}

/** A stream goes through the stream pipeline; the endpoint's observer reads it. */
export function createStreamBody(
  context: MeteringContext,
  writer: ClientWriter,
  filterUsage: boolean,
): MeteredBody {
  return new StreamBody(context, writer, filterUsage);
}

/** A class: an object literal with a getter took about 0.55 µs to create, once per request. */
class StreamBody implements MeteredBody {
  private readonly observer: StreamObserver;
  private readonly pipeline: StreamPipeline;

  constructor(
    private readonly context: MeteringContext,
    writer: ClientWriter,
    filterUsage: boolean,
  ) {
    const { extractor, meter, trace, parsed, estimator } = context;
    this.observer = observeResponseInfo(
      extractor.observeStream(() => meter.firstToken(), estimator?.textCounter(parsed.model)),
      trace,
    );
    this.pipeline = new StreamPipeline({ sink: writer, observer: this.observer, filterUsage });
  }

  get errorEvent(): boolean {
    return this.pipeline.sawErrorEvent;
  }

  push(chunk: Buffer): void {
    this.pipeline.push(chunk);
  }

  end(): void {
    this.pipeline.end();
  }

  settle(complete: boolean): void {
    const { meter, parsed, estimator } = this.context;
    const { usage, model: answeredBy } = this.observer;
    if (usage !== undefined) {
      meter.usage(usage, { answeredBy });
      return;
    }
    const output = complete ? this.observer.completionText() : undefined;
    if (output !== undefined && estimator !== undefined) {
      meter.usage(estimator.estimate(parsed.model, parsed.json, output), { estimated: true, answeredBy });
    }
  }
}

/** A non-streamed body goes to the client chunk by chunk and is read for its usage at the end. */
export function createJsonBody(
  { extractor, meter, trace, parsed, estimator }: MeteringContext,
  writer: ClientWriter,
): MeteredBody {
  const collector = createBodyCollector();
  return {
    push(chunk) {
      writer.write(chunk);
      collector.push(chunk);
    },
    end() {},
    errorEvent: false,
    settle(complete) {
      if (!complete) return;
      const body = collector.finish();
      // Parsing the whole body is left to tracing, the one reader of its id and finish reasons.
      if (trace !== undefined) trace.response(responseInfoOf(body.json));
      const reported = extractor.fromBody({ usage: body.usage });
      const answeredBy = body.model;
      if (reported !== undefined) return meter.usage(reported, { answeredBy });
      // `json` parses the whole body on first access: only an estimate needs it.
      const json = estimator === undefined ? undefined : body.json;
      if (estimator !== undefined && json !== undefined) {
        const output = extractor.textOfBody(json);
        meter.usage(estimator.estimate(parsed.model, parsed.json, output), { estimated: true, answeredBy });
      }
    },
  };
}

/** A body relayed unread: no usage, no estimate. */
export function unreadBody(writer: ClientWriter): MeteredBody {
  return {
    push: (chunk) => writer.write(chunk),
    end() {},
    errorEvent: false,
    settle() {},
  };
}
