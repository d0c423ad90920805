import type { SseEvent } from "../stream/event-observer.js";
import { arrayOf, isObject, type Json, parseJsonObject } from "../usage/json.js";
import type { StreamObserver } from "../usage/types.js";
import type { RequestTrace, ResponseInfo } from "./types.js";

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * Chat and legacy completions name a finish reason per choice; the Responses API has a status instead,
 * reported here as the incomplete reason when there is one, else the status itself.
 * https://platform.openai.com/docs/api-reference/responses/object
 */
function finishReasons(body: Json): string[] | undefined {
  if (Array.isArray(body.choices)) {
    const reasons = arrayOf(body.choices).flatMap((choice) =>
      isObject(choice) && typeof choice.finish_reason === "string" ? [choice.finish_reason] : [],
    );
    return reasons.length === 0 ? undefined : reasons;
  }
  const reason = isObject(body.incomplete_details) ? text(body.incomplete_details.reason) : undefined;
  const status = reason ?? text(body.status);
  return status === undefined ? undefined : [status];
}

/** id, model and finish reasons of a whole response object (chat, completion, response, embeddings). */
export function responseInfoOf(body: Json | undefined): ResponseInfo {
  if (body === undefined) return {};
  const reasons = finishReasons(body);
  return {
    ...(text(body.id) === undefined ? {} : { id: text(body.id) }),
    ...(text(body.model) === undefined ? {} : { model: text(body.model) }),
    ...(reasons === undefined ? {} : { finishReasons: reasons }),
  };
}

const finishReasonKey = Buffer.from('"finish_reason":');
const finalResponseEvents = ["response.completed", "response.incomplete", "response.failed"];
const finalResponseNames = finalResponseEvents.map((name) => Buffer.from(name));
const quote = 0x22;
const space = 0x20;

/** One native search: does the event name a finish reason (`"finish_reason":"stop"`, not `null`)? */
function hasFinishReason(raw: Buffer): boolean {
  const key = raw.indexOf(finishReasonKey);
  if (key < 0) return false;
  const next = key + finishReasonKey.length;
  return raw[next] === quote || (raw[next] === space && raw[next + 1] === quote);
}

const namesFinishReason = /"finish_reason"\s*:\s*"/;
const responseEventType = /^\s*\{\s*"type"\s*:\s*"response\./;
const isResponseEvent = ({ event, data }: SseEvent): boolean =>
  event?.startsWith("response.") === true || responseEventType.test(data);
const isFinalResponseEvent = ({ event, data }: SseEvent): boolean =>
  finalResponseEvents.some((name) => event === name || (event === undefined && data.includes(name)));

/**
 * Wraps a stream's usage observer so that it also reads the response's id, model and finish reasons,
 * for the request's span. It asks the tap for the first event (id and model), the events naming a
 * finish reason (one per choice, near the end) and a response's final event: a few per stream.
 */
export function observeResponseInfo(
  observer: StreamObserver,
  trace: RequestTrace | undefined,
): StreamObserver {
  if (trace === undefined) return observer;
  let sawFirst = false;
  // Set by the first event: a Responses API stream names its final event; the others, finish reasons.
  let responses = false;
  const reasons = new Map<number, string>();
  const readChoices = (chunk: Json) =>
    arrayOf(chunk.choices).forEach((choice, position) => {
      if (!isObject(choice) || typeof choice.finish_reason !== "string") return;
      reasons.set(typeof choice.index === "number" ? choice.index : position, choice.finish_reason);
    });
  const read = (data: string, final: boolean) => {
    const chunk = parseJsonObject(data);
    if (chunk === undefined) return;
    // A response's events wrap the response object; its status means something only in the last one.
    const body = isObject(chunk.response) ? chunk.response : chunk;
    const { finishReasons, ...info } = responseInfoOf(body);
    readChoices(chunk);
    const streamed = reasons.size > 0 ? [...reasons.values()] : final ? finishReasons : undefined;
    trace.response(streamed === undefined ? info : { ...info, finishReasons: streamed });
  };
  return {
    wants: (raw, usage) =>
      observer.wants(raw, usage) ||
      !sawFirst ||
      (responses ? finalResponseNames.some((name) => raw.includes(name)) : hasFinishReason(raw)),
    onEvent(event: SseEvent) {
      observer.onEvent(event);
      if (event.data === "[DONE]") return;
      const first = !sawFirst;
      sawFirst = true;
      if (first) responses = isResponseEvent(event);
      const final = isFinalResponseEvent(event);
      if (first || final || namesFinishReason.test(event.data)) read(event.data, final);
    },
    get usage() {
      return observer.usage;
    },
    get model() {
      return observer.model;
    },
    onLongEvent: (length) => observer.onLongEvent(length),
    completionText: () => observer.completionText(),
  };
}
