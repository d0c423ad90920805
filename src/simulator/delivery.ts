import type { OutgoingHttpHeaders } from "node:http";
import type { Exchange } from "./exchange.js";
import { streamErrorFrame } from "./openai-errors.js";
import { rateLimitHeaders } from "./rate-limits.js";

export const jsonType = "application/json";
export const eventStreamType = "text/event-stream; charset=utf-8";

/**
 * Frames of one streamed answer. Pacing (tokensPerSecond) spaces the `body` frames; `head` goes out
 * right after the first-token delay and `tail` right after the last token.
 */
export interface StreamPlan {
  readonly head: readonly string[];
  readonly body: readonly string[];
  readonly tail: readonly string[];
}

/** Counts the request against its model's window and returns the headers of a successful answer. */
export function successHeaders(
  ex: Exchange,
  model: string,
  tokens: number,
  contentType: string,
): OutgoingHttpHeaders {
  const snapshot = ex.context.rateLimiter.record(model, tokens, ex.context.now());
  return { "content-type": contentType, ...rateLimitHeaders(snapshot) };
}

export async function deliverJson(ex: Exchange, headers: OutgoingHttpHeaders, body: string): Promise<void> {
  if (ex.faults.drop) return ex.dropNow();
  if (ex.faults.stall) return ex.untilClosed();
  if (!(await ex.sleep(ex.firstTokenDelay()))) return;
  ex.respond(200, headers, body);
}

/**
 * Where a faulty stream stops: `stall` after 2 frames, `drop` and `error_event` after 3 (always before
 * the end).
 */
function stopIndex(ex: Exchange, frameCount: number): number {
  if (ex.faults.stall) return Math.min(2, frameCount - 1);
  if (ex.faults.drop || ex.faults.errorEvent) return Math.min(3, frameCount - 1);
  return frameCount;
}

export async function playStream(
  ex: Exchange,
  headers: OutgoingHttpHeaders,
  plan: StreamPlan,
): Promise<void> {
  ex.startStream(headers);
  if (!(await ex.sleep(ex.firstTokenDelay()))) return;
  const frames = [...plan.head, ...plan.body, ...plan.tail];
  const stop = stopIndex(ex, frames.length);
  const interval = ex.tokenInterval();
  const pacedFrom = plan.head.length + 1;
  const pacedTo = plan.head.length + plan.body.length;
  for (let i = 0; i < stop; i++) {
    const frame = frames[i] ?? "";
    if (interval > 0 && i >= pacedFrom && i < pacedTo && !(await ex.sleep(interval))) return;
    if (ex.faults.drop && i === stop - 1) return ex.sendThenDrop(frame);
    if (!(await ex.send(frame))) return;
  }
  if (ex.faults.stall) return ex.untilClosed();
  // Each frame is one event, so the error event's sequence number is the count of frames sent.
  if (ex.faults.errorEvent && !(await ex.send(streamErrorFrame(ex.endpoint, stop)))) return;
  ex.end();
}
