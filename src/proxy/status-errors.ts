import type { ErrorType, RequestMeter } from "../metrics/types.js";
import { clientClosedStatus } from "./proxy-error.js";
import type { RelayOutcome } from "./relay.js";

/** How an upstream status counts in llm_errors_total; 429 has its own type since it needs its own alert. */
export function errorTypeForStatus(status: number): ErrorType | undefined {
  if (status === 429) return "rate_limit";
  if (status >= 500) return "upstream_5xx";
  if (status >= 400) return "upstream_4xx";
  return undefined;
}

/**
 * Counts a relayed response once: 499 when the client left, the upstream's status otherwise. A failure
 * before any byte reached the client is answered and counted by the caller (failBeforeResponse). A
 * stream that carried an error event counts as `stream_error` unless it was also cut, which says more.
 */
export function finishRelayed(
  meter: RequestMeter,
  outcome: RelayOutcome,
  status: number,
  errorEvent = false,
): void {
  if (outcome === "client_gone") meter.finish(clientClosedStatus);
  else if (outcome === "upstream_broke") meter.finish(status, "stream_interrupted");
  else if (outcome === "internal") meter.finish(status, "internal");
  else meter.finish(status, errorTypeForStatus(status) ?? (errorEvent ? "stream_error" : undefined));
}
