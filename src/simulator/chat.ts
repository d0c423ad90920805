import {
  type AnswerPlan,
  type ChoicePlan,
  choiceCountOf,
  includeUsageOf,
  planAnswer,
  positiveInteger,
  toolSpecOf,
} from "./answer-plan.js";
import { chatStreamPlan } from "./chat-stream.js";
import { deliverJson, eventStreamType, jsonType, playStream, successHeaders } from "./delivery.js";
import type { Exchange } from "./exchange.js";
import { emptyArray, invalidType, missingParameter, type OpenAiError, sendError } from "./openai-errors.js";
import { chatPromptTokens, chatUsage } from "./token-counting.js";

function messagesProblem(messages: unknown): OpenAiError | undefined {
  if (messages === undefined) return missingParameter("messages");
  if (!Array.isArray(messages)) return invalidType("messages", "an array");
  return messages.length === 0 ? emptyArray("messages") : undefined;
}

/** POST /v1/chat/completions, streamed or not, with n choices or a tool call. */
export async function handleChat(ex: Exchange, body: Record<string, unknown>, model: string): Promise<void> {
  const problem = messagesProblem(body.messages);
  if (problem !== undefined) return sendError(ex, 400, problem, {}, "api");
  const plan = planAnswer(ex, {
    model,
    seedParts: [body.messages, body.tools ?? null],
    promptTokens: chatPromptTokens(body.messages, body.tools),
    choiceCount: choiceCountOf(body.n),
    maxTokens: positiveInteger(body.max_completion_tokens) ?? positiveInteger(body.max_tokens),
    tool: toolSpecOf(body.tools, body.tool_choice),
  });
  const tokens = plan.usage.promptTokens + plan.usage.completionTokens;
  const reportUsage = !ex.faults.noUsage;
  if (body.stream === true) {
    const headers = successHeaders(ex, model, tokens, eventStreamType);
    return playStream(ex, headers, chatStreamPlan(plan, reportUsage && includeUsageOf(body)));
  }
  const headers = successHeaders(ex, model, tokens, jsonType);
  return deliverJson(ex, headers, chatCompletionBody(plan, reportUsage));
}

function messageOf(choice: ChoicePlan): Record<string, unknown> {
  if (choice.toolCall === undefined) {
    return { role: "assistant", content: choice.text, refusal: null, annotations: [] };
  }
  const { id, name } = choice.toolCall;
  return {
    role: "assistant",
    content: null,
    tool_calls: [{ id, type: "function", function: { name, arguments: choice.text } }],
    refusal: null,
    annotations: [],
  };
}

/** Two-space JSON with a trailing newline: OpenAI's exact non-streamed layout. */
function chatCompletionBody(plan: AnswerPlan, reportUsage: boolean): string {
  const completion = {
    id: `chatcmpl-${plan.idSuffix}`,
    object: "chat.completion",
    created: plan.created,
    model: plan.model,
    choices: plan.choices.map((choice, index) => ({
      index,
      message: messageOf(choice),
      logprobs: null,
      finish_reason: choice.finishReason,
    })),
    usage: reportUsage ? chatUsage(plan.usage) : undefined,
    service_tier: "default",
    system_fingerprint: plan.fingerprint,
  };
  return `${JSON.stringify(completion, null, 2)}\n`;
}
