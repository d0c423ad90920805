import { createBodyCollector } from "../usage/body-collector.js";
import type { MeteringHooks, RelayContext } from "./stream-relay.js";

/** A non-streamed body goes to the client chunk by chunk and is read for its usage at the end. */
export function createJsonRelay({ extractor, meter, parsed, estimator }: RelayContext): MeteringHooks {
  const collector = createBodyCollector();
  return {
    onChunk(chunk) {
      collector.push(chunk);
      return chunk;
    },
    onEnd: () => undefined,
    addOverhead: (ms) => meter.addOverhead(ms),
    settle(complete) {
      if (!complete) return;
      const body = collector.finish();
      const reported = extractor.fromBody({ usage: body.usage });
      if (reported !== undefined) return meter.usage(reported);
      // `json` parses the whole body on first access: only an estimate needs it.
      const json = estimator === undefined ? undefined : body.json;
      if (estimator !== undefined && json !== undefined) {
        meter.usage(estimator.estimate(parsed.model, parsed.json, extractor.textOfBody(json)), {
          estimated: true,
        });
      }
    },
  };
}
