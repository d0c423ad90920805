import type { RequestMeter } from "../metrics/types.js";
import { createSseTap } from "../stream/sse-tap.js";
import { createUsageStripper } from "../stream/usage-stripper.js";
import type { UsageEstimator, UsageExtractor } from "../usage/types.js";
import type { RelayHooks } from "./relay.js";
import type { ParsedRequest } from "./request-body.js";

export interface MeteringHooks extends RelayHooks {
  /** Records the usage once the body is over; `complete` is false when it was cut short. */
  settle(complete: boolean): void;
}

export interface RelayContext {
  readonly extractor: UsageExtractor;
  readonly meter: RequestMeter;
  readonly parsed: ParsedRequest;
  readonly estimator: UsageEstimator | undefined;
}

/**
 * A stream goes to the client as it arrives while a tap parses a copy of it. When the proxy itself asked
 * for the usage chunk, the stripper removes what that caused before the bytes go out.
 */
export function createStreamRelay({
  extractor,
  meter,
  parsed,
  estimator,
  strip,
}: RelayContext & { strip: boolean }): MeteringHooks {
  const observer = extractor.observeStream(() => meter.firstToken());
  const tap = createSseTap(
    (event) => observer.onEvent(event),
    (raw) => observer.wants(raw),
  );
  // When stripping, the stripper frames the events and shows each original to the tap on the way.
  const stripper = strip ? createUsageStripper((raw) => tap.event(raw)) : undefined;
  return {
    onChunk(chunk) {
      if (stripper !== undefined) return stripper.push(chunk);
      tap.write(chunk);
      return chunk;
    },
    onEnd() {
      const rest = stripper?.flush();
      tap.end();
      return rest;
    },
    addOverhead: (ms) => meter.addOverhead(ms),
    settle(complete) {
      const usage = observer.usage;
      if (usage !== undefined) return meter.usage(usage);
      const text = complete ? observer.completionText() : undefined;
      if (text !== undefined && estimator !== undefined) {
        meter.usage(estimator.estimate(parsed.model, parsed.json, text), { estimated: true });
      }
    },
  };
}
