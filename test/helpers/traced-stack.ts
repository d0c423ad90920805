import type { Env } from "../../src/config/env-file.js";
import type { SimulatorOptions } from "../../src/simulator/simulator.js";
import { parseMetrics } from "./metrics.js";
import { type OtlpReceiver, startOtlpReceiver } from "./otlp-receiver.js";
import type { ReceivedSpan } from "./otlp-spans.js";
import { type Stack, startStack } from "./stack.js";

export interface TracedStack {
  readonly stack: Stack;
  readonly receiver: OtlpReceiver;
  /**
   * Runs `call` between two scrapes and returns the spans it caused: the ones exported after every
   * request in flight was counted and the SDK flushed, `count` of them at least.
   */
  traced<T>(call: () => Promise<T>, count?: number): Promise<Traced<T>>;
  close(): Promise<void>;
}

export interface Traced<T> {
  readonly result: T | undefined;
  readonly error: unknown;
  readonly spans: ReceivedSpan[];
  readonly before: Map<string, number>;
  readonly after: Map<string, number>;
}

const inFlight = (metrics: Map<string, number>) =>
  [...metrics].filter(([key]) => key.startsWith("llm_requests_in_flight")).reduce((n, [, v]) => n + v, 0);

/** The simulator and a proxy exporting its spans over OTLP/HTTP to a receiver on loopback. */
export async function startTracedStack(
  protocol: "http/protobuf" | "http/json",
  options: { env?: Env; simulator?: SimulatorOptions } = {},
): Promise<TracedStack> {
  const receiver = await startOtlpReceiver();
  const stack = await startStack({
    simulator: options.simulator,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, ...options.env },
  });
  const scrape = async () => parseMetrics(await stack.metricsText());
  const tracing = stack.proxy.tracing;
  if (tracing === undefined) throw new Error("tracing did not start");
  return {
    stack,
    receiver,
    async traced(call, count = 1) {
      await tracing.forceFlush();
      const seen = receiver.spans().length;
      const before = await scrape();
      let result: Awaited<ReturnType<typeof call>> | undefined;
      let error: unknown;
      try {
        result = await call();
      } catch (err) {
        error = err;
      }
      const deadline = Date.now() + 10_000;
      for (;;) {
        await tracing.forceFlush();
        const settled = inFlight(await scrape()) === 0 && receiver.spans().length - seen >= count;
        if (settled || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { result, error, spans: receiver.spans().slice(seen), before, after: await scrape() };
    },
    async close() {
      await stack.close();
      await receiver.close();
    },
  };
}

/** A span's duration in seconds. */
export const durationOf = (span: ReceivedSpan): number =>
  Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e9;
