import {
  type AnswerPlan,
  choiceCountOf,
  includeUsageOf,
  planAnswer,
  positiveInteger,
} from "./answer-plan.js";
import {
  deliverJson,
  eventStreamType,
  jsonType,
  playStream,
  type StreamPlan,
  successHeaders,
} from "./delivery.js";
import type { Exchange } from "./exchange.js";
import { missingParameter, sendError } from "./openai-errors.js";
import { inputTokenCounts, legacyUsage } from "./token-counting.js";

/** The legacy endpoint stops at 16 tokens unless told otherwise. */
const defaultMaxTokens = 16;

/** POST /v1/completions: the legacy text_completion endpoint. */
export async function handleCompletions(
  ex: Exchange,
  body: Record<string, unknown>,
  model: string,
): Promise<void> {
  if (body.prompt === undefined) return sendError(ex, 400, missingParameter("prompt"), {}, "api");
  const plan = planAnswer(ex, {
    model,
    seedParts: [body.prompt],
    promptTokens: inputTokenCounts(body.prompt).reduce((sum, count) => sum + count, 0),
    choiceCount: choiceCountOf(body.n),
    maxTokens: positiveInteger(body.max_tokens) ?? defaultMaxTokens,
    tool: undefined,
  });
  const tokens = plan.usage.promptTokens + plan.usage.completionTokens;
  const reportUsage = !ex.faults.noUsage;
  if (body.stream === true) {
    const headers = successHeaders(ex, model, tokens, eventStreamType);
    return playStream(ex, headers, completionStreamPlan(plan, reportUsage && includeUsageOf(body)));
  }
  const completion = {
    id: `cmpl-${plan.idSuffix}`,
    object: "text_completion",
    created: plan.created,
    model: plan.model,
    choices: plan.choices.map((choice, index) => ({
      text: choice.text,
      index,
      logprobs: null,
      finish_reason: choice.finishReason,
    })),
    usage: reportUsage ? legacyUsage(plan.usage) : undefined,
  };
  const headers = successHeaders(ex, model, tokens, jsonType);
  return deliverJson(ex, headers, `${JSON.stringify(completion, null, 2)}\n`);
}

/** Legacy chunks put `model` after `choices` and the finish reason on the last text chunk. */
function completionStreamPlan(plan: AnswerPlan, includeUsage: boolean): StreamPlan {
  const prefix = `data: {"id":"cmpl-${plan.idSuffix}","object":"text_completion","created":${plan.created}`;
  const model = JSON.stringify(plan.model);
  const suffix = includeUsage ? `],"model":${model},"usage":null}\n\n` : `],"model":${model}}\n\n`;
  const frame = (index: number, text: string, finish: string): string =>
    `${prefix},"choices":[{"text":${JSON.stringify(text)},"index":${index},"logprobs":null,"finish_reason":${finish}}${suffix}`;
  const body: string[] = [];
  const longest = Math.max(1, ...plan.choices.map((choice) => choice.pieces.length));
  for (let step = 0; step < longest; step++) {
    plan.choices.forEach((choice, index) => {
      const last = Math.max(1, choice.pieces.length) - 1;
      if (step > last) return;
      const finish = step === last ? `"${choice.finishReason}"` : "null";
      body.push(frame(index, choice.pieces[step] ?? "", finish));
    });
  }
  const tail: string[] = [];
  if (includeUsage) {
    tail.push(
      `${prefix},"model":${model},"usage":${JSON.stringify(legacyUsage(plan.usage))},"choices":[]}\n\n`,
    );
  }
  tail.push("data: [DONE]\n\n");
  return { head: [], body, tail };
}
