import type { RequestRecord } from "../../src/metrics/types.js";

/** A finished non-streamed request without usage, named by its request id: one access line. */
export const accessRecord = (requestId: string): RequestRecord => ({
  requestId,
  model: "gpt-4o-mini",
  endpoint: "chat_completions",
  stream: false,
  status: 200,
  latencySeconds: 0.001,
  ttftSeconds: undefined,
  usage: undefined,
  usageEstimated: false,
  costUsd: undefined,
  errorType: undefined,
  caller: undefined,
});
