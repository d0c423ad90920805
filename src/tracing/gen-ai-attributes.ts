import type { Attributes } from "@opentelemetry/api";
import type { Endpoint, RequestRecord } from "../metrics/types.js";
import { detachedPrefix } from "../pricing/model-name.js";
import type { Json } from "../usage/json.js";
import type { ResponseInfo } from "./types.js";

/**
 * gen_ai.operation.name per endpoint; the Responses API and /ask are chat.
 * https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
 */
export const operationNames: Readonly<Record<Endpoint, string | undefined>> = {
  chat_completions: "chat",
  responses: "chat",
  ask: "chat",
  completions: "text_completion",
  embeddings: "embeddings",
  other: undefined,
};

/**
 * A span attribute is not a label, yet a model name is the caller's text: it is kept to a sane length,
 * and as a copy, since a span outlives its request in the export queue and a slice would keep the whole
 * name alive (40 queued spans of 2 MiB names held 82 MB).
 */
const maxTextLength = 256;
const capped = (value: string): string =>
  value.length > maxTextLength ? detachedPrefix(value, maxTextLength) : value;

const numberOf = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

/** The request parameters the body set; message content and every other field stay out. */
export function requestAttributes(model: string, body: Json): Attributes {
  const attributes: Attributes = {
    "gen_ai.request.model": capped(model),
    "gen_ai.request.stream": body.stream === true,
  };
  // Chat's max_completion_tokens replaced max_tokens; the Responses API says max_output_tokens.
  const maxTokens = numberOf(body.max_completion_tokens ?? body.max_tokens ?? body.max_output_tokens);
  if (maxTokens !== undefined) attributes["gen_ai.request.max_tokens"] = maxTokens;
  const temperature = numberOf(body.temperature);
  if (temperature !== undefined) attributes["gen_ai.request.temperature"] = temperature;
  const topP = numberOf(body.top_p);
  if (topP !== undefined) attributes["gen_ai.request.top_p"] = topP;
  return attributes;
}

export function responseAttributes(info: ResponseInfo): Attributes {
  const attributes: Attributes = {};
  if (info.id !== undefined) attributes["gen_ai.response.id"] = capped(info.id);
  if (info.model !== undefined) attributes["gen_ai.response.model"] = capped(info.model);
  if (info.finishReasons !== undefined)
    attributes["gen_ai.response.finish_reasons"] = info.finishReasons.map(capped);
  return attributes;
}

/** Usage, cost and timing exactly as the metrics counted them; the proxy's own under `llm_proxy.`. */
export function recordAttributes(record: RequestRecord): Attributes {
  const attributes: Attributes = { "http.response.status_code": record.status };
  if (record.errorType !== undefined) attributes["error.type"] = record.errorType;
  const { usage } = record;
  if (usage !== undefined) {
    attributes["gen_ai.usage.input_tokens"] = usage.promptTokens;
    attributes["gen_ai.usage.output_tokens"] = usage.completionTokens;
    attributes["llm_proxy.usage.cached_tokens"] = usage.cachedTokens;
    attributes["llm_proxy.usage.reasoning_tokens"] = usage.reasoningTokens;
    attributes["llm_proxy.usage.estimated"] = record.usageEstimated;
  }
  if (record.costUsd !== undefined) attributes["llm_proxy.cost_usd"] = record.costUsd;
  if (record.ttftSeconds !== undefined) attributes["llm_proxy.time_to_first_token"] = record.ttftSeconds;
  return attributes;
}
