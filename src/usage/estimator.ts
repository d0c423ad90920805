import type { GeneratedOutput } from "./generated-output.js";
import type { Usage } from "./types.js";

/** Counts tokens locally when an upstream reports no usage (some OpenAI-compatible servers never do). */
export interface Estimator {
  /** `completion` is what the response generated; a plain string counts as text only. */
  estimate(model: string, requestBody: unknown, completion: string | GeneratedOutput): Usage;
}
