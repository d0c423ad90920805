import { type AnswerPlan, planAnswer, positiveInteger, toolSpecOf } from "./answer-plan.js";
import { deliverJson, eventStreamType, jsonType, playStream, successHeaders } from "./delivery.js";
import type { Exchange } from "./exchange.js";
import { missingParameter, sendError } from "./openai-errors.js";
import {
  finalStatus,
  outputItems,
  pythonFloats,
  type ResponseDraft,
  responseObject,
} from "./response-object.js";
import { responsesStreamPlan } from "./responses-stream.js";
import { drawHex, drawString } from "./text-generation.js";
import { responsesInputTokens } from "./token-counting.js";

/** POST /v1/responses */
export async function handleResponses(
  ex: Exchange,
  body: Record<string, unknown>,
  model: string,
): Promise<void> {
  if (body.input === undefined) return sendError(ex, 400, missingParameter("input"));
  const plan = planAnswer(ex, {
    model,
    seedParts: [body.input, body.instructions ?? null, body.tools ?? null],
    promptTokens: responsesInputTokens(body.input, body.instructions, body.tools),
    choiceCount: 1,
    maxTokens: positiveInteger(body.max_output_tokens),
    tool: toolSpecOf(body.tools, body.tool_choice),
  });
  const draft = draftOf(ex, plan, body);
  const tokens = plan.usage.promptTokens + plan.usage.completionTokens;
  if (body.stream === true) {
    const headers = successHeaders(ex, model, tokens, eventStreamType);
    return playStream(ex, headers, responsesStreamPlan(draft));
  }
  const headers = successHeaders(ex, model, tokens, jsonType);
  const response = responseObject(draft, finalStatus(draft), outputItems(draft));
  return deliverJson(ex, headers, pythonFloats(JSON.stringify(response, null, 2)));
}

function draftOf(ex: Exchange, plan: AnswerPlan, body: Record<string, unknown>): ResponseDraft {
  const choice = plan.choices[0] ?? {
    pieces: [],
    text: "",
    toolCall: undefined,
    finishReason: "stop",
    reasoningTokens: 0,
  };
  return {
    plan,
    choice,
    body,
    id: `resp_${drawHex(plan.draw, 50)}`,
    itemId: `${choice.toolCall ? "fc" : "msg"}_${drawHex(plan.draw, 50)}`,
    reasoningId: choice.reasoningTokens > 0 ? `rs_${drawHex(plan.draw, 50)}` : undefined,
    callId: `call_${drawString(plan.draw, 24)}`,
    reportUsage: !ex.faults.noUsage,
  };
}
