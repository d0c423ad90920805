import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";

export interface RelayHooks {
  /** Sees each upstream chunk as it arrives and returns the bytes to send (undefined: nothing yet). */
  onChunk(chunk: Buffer): Buffer | undefined;
  /** Returns bytes still to send at the end of the upstream body. */
  onEnd(): Buffer | undefined;
  addOverhead(ms: number): void;
}

export type RelayOutcome = "complete" | "client_gone" | "upstream_broke";

/**
 * Pumps an upstream body to the client as it arrives, pausing the upstream while the client's socket
 * is full (the backpressure @hono/node-server's writeFromReadableStream gives web streams). Nothing is
 * ended for the client when the upstream breaks: a stream cut upstream must not look complete.
 */
export function relayBody(body: Readable, res: ServerResponse, hooks: RelayHooks): Promise<RelayOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: RelayOutcome) => {
      if (settled) return;
      settled = true;
      res.off("close", onClose);
      resolve(outcome);
    };
    const onClose = () => {
      if (!res.writableFinished) {
        body.destroy();
        settle("client_gone");
      }
    };
    res.on("close", onClose);
    if (res.destroyed) onClose();
    const resume = () => body.resume();
    body.on("data", (chunk: Buffer) => {
      const started = performance.now();
      const out = hooks.onChunk(chunk);
      if (out !== undefined && !res.write(out)) {
        body.pause();
        res.once("drain", resume);
      }
      hooks.addOverhead(performance.now() - started);
    });
    body.on("end", () => {
      const rest = hooks.onEnd();
      res.end(rest, () => settle("complete"));
    });
    body.on("error", () => {
      if (res.destroyed) return settle("client_gone");
      res.destroy();
      settle("upstream_broke");
    });
  });
}
