import type { Usage } from "./types.js";

/** Counts tokens locally when an upstream reports no usage (some OpenAI-compatible servers never do). */
export interface Estimator {
  estimate(model: string, requestBody: unknown, completionText: string): Usage;
}
