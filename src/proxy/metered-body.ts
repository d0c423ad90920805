import type { RequestMeter } from "../metrics/types.js";
import { StreamPipeline } from "../stream/stream-pipeline.js";
import { observeResponseInfo, responseInfoOf } from "../tracing/response-info.js";
import type { RequestTrace } from "../tracing/types.js";
import { createBodyCollector } from "../usage/body-collector.js";
import type { UsageEstimator, UsageExtractor } from "../usage/types.js";
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
  { extractor, meter, trace, parsed, estimator }: MeteringContext,
  writer: ClientWriter,
  filterUsage: boolean,
): MeteredBody {
  const observer = observeResponseInfo(
    extractor.observeStream(() => meter.firstToken(), estimator?.textCounter(parsed.model)),
    trace,
  );
  const pipeline = new StreamPipeline({ sink: writer, observer, filterUsage });
  return {
    push: (chunk) => pipeline.push(chunk),
    end: () => pipeline.end(),
    get errorEvent() {
      return pipeline.sawErrorEvent;
    },
    settle(complete) {
      const { usage, model: answeredBy } = observer;
      if (usage !== undefined) return meter.usage(usage, { answeredBy });
      const output = complete ? observer.completionText() : undefined;
      if (output !== undefined && estimator !== undefined) {
        meter.usage(estimator.estimate(parsed.model, parsed.json, output), { estimated: true, answeredBy });
      }
    },
  };
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
