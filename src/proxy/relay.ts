import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { ClientWriter } from "./client-writer.js";
import type { UpstreamBody } from "./upstream-exchange.js";

/** Where an upstream body goes: it writes what the client gets to the ClientWriter it was given. */
export interface BodyConsumer {
  push(chunk: Buffer): void;
  /** The upstream body ended: write what is left. */
  end(): void;
}

/**
 * How a relayed body ended. `upstream_failed`: the upstream broke before any byte reached the client,
 * which can then still be answered with an error of the proxy's own; `internal`: the consumer threw.
 */
export type RelayOutcome = "complete" | "client_gone" | "upstream_broke" | "upstream_failed" | "internal";

export interface RelayResult {
  readonly outcome: RelayOutcome;
  /** The failure, for `upstream_failed` and `internal`. */
  readonly error?: unknown;
}

/**
 * Pumps an upstream body into a consumer as it arrives; the writer pauses it while the client is full.
 * Nothing is ended for the client when the upstream breaks: a stream cut upstream must not look complete.
 */
export function relayBody(
  body: UpstreamBody,
  res: ServerResponse,
  writer: ClientWriter,
  consumer: BodyConsumer,
  overhead: { addOverhead(ms: number): void },
): Promise<RelayResult> {
  writer.pauses(body);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: RelayResult) => {
      if (settled) return;
      settled = true;
      res.off("close", onClose);
      resolve(result);
    };
    const onClose = () => {
      if (res.writableFinished) return;
      body.destroy();
      settle({ outcome: "client_gone" });
    };
    res.on("close", onClose);
    if (res.destroyed) onClose();
    // A bug in a consumer must not escape an event handler, where it would end the process.
    const fail = (error: unknown) => {
      body.destroy();
      res.destroy();
      settle({ outcome: "internal", error });
    };
    body.read({
      data(chunk) {
        const started = performance.now();
        try {
          consumer.push(chunk);
        } catch (err) {
          fail(err);
        }
        overhead.addOverhead(performance.now() - started);
      },
      end() {
        try {
          consumer.end();
        } catch (err) {
          return fail(err);
        }
        writer.end(() => settle({ outcome: "complete" }));
      },
      error(error) {
        if (res.destroyed) return settle({ outcome: "client_gone" });
        if (!writer.started) return settle({ outcome: "upstream_failed", error });
        res.destroy();
        settle({ outcome: "upstream_broke" });
      },
    });
  });
}
