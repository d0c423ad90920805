import { usageOfBody } from "./read-usage.js";
import type { StreamObserver, UsageExtractor } from "./types.js";

const noStream: StreamObserver = {
  wants: () => false,
  onEvent() {},
  onLongEvent() {},
  usage: undefined,
  model: undefined,
  completionText: () => undefined,
};

/** Embeddings bill prompt tokens only: https://platform.openai.com/docs/api-reference/embeddings */
export const embeddingsExtractor: UsageExtractor = {
  fromBody: usageOfBody,
  textOfBody: () => [],
  observeStream: () => noStream,
};
