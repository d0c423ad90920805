import type { ErrorType } from "../metrics/definitions.js";

/** How an upstream status counts in llm_errors_total; 429 has its own type since it needs its own alert. */
export function errorTypeForStatus(status: number): ErrorType | undefined {
  if (status === 429) return "rate_limit";
  if (status >= 500) return "upstream_5xx";
  if (status >= 400) return "upstream_4xx";
  return undefined;
}
