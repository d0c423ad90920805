import { performance } from "node:perf_hooks";
import { anonymousAttribution } from "./caller-series.js";
import { gaugeChild, histogramChild } from "./fast-children.js";
import { memo } from "./model-series.js";
import { Meter, type SharedContext } from "./request-meter.js";
import type { Endpoint, Recorder, RecorderOptions } from "./types.js";

export function createRecorder(options: RecorderOptions): Recorder {
  const shared: SharedContext = {
    options,
    now: options.now ?? (() => performance.now()),
    unattributed: options.unattributed ?? anonymousAttribution(options.definitions),
  };
  const perEndpoint = memo((endpoint) => ({
    endpoint: endpoint as Endpoint,
    inFlight: gaugeChild(options.definitions.inFlight, { endpoint }),
    overhead: histogramChild(options.definitions.overhead, { endpoint }),
  }));
  return {
    begin: (endpoint, watcher) => new Meter(shared, perEndpoint(endpoint), watcher),
  };
}
