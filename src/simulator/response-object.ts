import type { AnswerPlan, ChoicePlan } from "./answer-plan.js";
import { positiveInteger } from "./answer-plan.js";
import { isReasoningModel } from "./model-catalog.js";
import { isRecord, responsesUsage } from "./token-counting.js";

/** Everything a Responses API answer is rendered from, streamed or not. */
export interface ResponseDraft {
  readonly plan: AnswerPlan;
  readonly choice: ChoicePlan;
  readonly body: Record<string, unknown>;
  readonly id: string;
  readonly itemId: string;
  readonly reasoningId: string | undefined;
  readonly callId: string;
  readonly reportUsage: boolean;
}

export type ResponseStatus = "in_progress" | "completed" | "incomplete";

export function finalStatus(draft: ResponseDraft): ResponseStatus {
  return draft.choice.finishReason === "length" ? "incomplete" : "completed";
}

export function reasoningItem(draft: ResponseDraft): Record<string, unknown> | undefined {
  return draft.reasoningId === undefined
    ? undefined
    : { id: draft.reasoningId, type: "reasoning", summary: [] };
}

/** The answer item as it looks while streaming ("start") and once finished ("final"). */
export function answerItem(draft: ResponseDraft, phase: "start" | "final"): Record<string, unknown> {
  const final = phase === "final";
  const status = final ? (finalStatus(draft) === "incomplete" ? "incomplete" : "completed") : "in_progress";
  const text = final ? draft.choice.text : "";
  const call = draft.choice.toolCall;
  if (call !== undefined) {
    return {
      id: draft.itemId,
      type: "function_call",
      status,
      arguments: text,
      call_id: draft.callId,
      name: call.name,
    };
  }
  const content = final ? [outputText(text)] : [];
  return { id: draft.itemId, type: "message", status, content, role: "assistant" };
}

export function outputText(text: string): Record<string, unknown> {
  return { type: "output_text", annotations: [], logprobs: [], text };
}

export function outputItems(draft: ResponseDraft): Record<string, unknown>[] {
  const reasoning = reasoningItem(draft);
  const answer = answerItem(draft, "final");
  return reasoning === undefined ? [answer] : [reasoning, answer];
}

/** The `response` object, with the request's settings echoed where OpenAI echoes them. */
export function responseObject(
  draft: ResponseDraft,
  status: ResponseStatus,
  output: unknown[],
): Record<string, unknown> {
  const { plan, body } = draft;
  const done = status !== "in_progress";
  const effort =
    isRecord(body.reasoning) && typeof body.reasoning.effort === "string" ? body.reasoning.effort : "medium";
  return {
    id: draft.id,
    object: "response",
    created_at: plan.created,
    status,
    background: false,
    completed_at: status === "completed" ? plan.created : null,
    error: null,
    frequency_penalty: 0,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: typeof body.instructions === "string" ? body.instructions : null,
    max_output_tokens: positiveInteger(body.max_output_tokens) ?? null,
    max_tool_calls: null,
    model: plan.model,
    output,
    parallel_tool_calls: true,
    presence_penalty: 0,
    previous_response_id: typeof body.previous_response_id === "string" ? body.previous_response_id : null,
    prompt_cache_key: null,
    prompt_cache_retention: "in_memory",
    reasoning: { effort: isReasoningModel(plan.model) ? effort : null, summary: null },
    safety_identifier: null,
    service_tier: "default",
    store: typeof body.store === "boolean" ? body.store : true,
    temperature: typeof body.temperature === "number" ? body.temperature : 1,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_logprobs: 0,
    top_p: typeof body.top_p === "number" ? body.top_p : 1,
    truncation: "disabled",
    usage: done && draft.reportUsage ? responsesUsage(plan.usage) : null,
    user: null,
    metadata: isRecord(body.metadata) ? body.metadata : {},
  };
}

/** OpenAI's Python serialiser writes these sampling settings as floats ("1.0", "0.0"). */
export function pythonFloats(json: string): string {
  return json.replace(
    /("(?:frequency_penalty|presence_penalty|temperature|top_p)": ?)(-?\d+)(?=[,\n}])/g,
    "$1$2.0",
  );
}
