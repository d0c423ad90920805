import type { AnswerPlan, ChoicePlan } from "./answer-plan.js";
import type { StreamPlan } from "./delivery.js";
import { chatUsage } from "./token-counting.js";

const done = "data: [DONE]\n\n";

/** Builds chunk frames by concatenation: the constant part of every chunk is serialised once. */
function chunkFramer(plan: AnswerPlan, includeUsage: boolean) {
  const prefix = `data: {"id":"chatcmpl-${plan.idSuffix}","object":"chat.completion.chunk","created":${plan.created},"model":${JSON.stringify(plan.model)},"system_fingerprint":"${plan.fingerprint}","choices":[`;
  const suffix = includeUsage ? '],"usage":null}\n\n' : "]}\n\n";
  return {
    choice: (index: number, delta: string, finish: string): string =>
      `${prefix}{"index":${index},"delta":${delta},"logprobs":null,"finish_reason":${finish}}${suffix}`,
    usage: (): string => `${prefix}],"usage":${JSON.stringify(chatUsage(plan.usage))}}\n\n`,
  };
}

function roleDelta(choice: ChoicePlan): string {
  return choice.toolCall === undefined
    ? '{"role":"assistant","content":"","refusal":null}'
    : '{"role":"assistant","content":null}';
}

function pieceDelta(choice: ChoicePlan, piece: string): string {
  if (choice.toolCall === undefined) return `{"content":${JSON.stringify(piece)}}`;
  return `{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(piece)}}}]}`;
}

function toolHeaderDelta(choice: ChoicePlan): string | undefined {
  const call = choice.toolCall;
  if (call === undefined) return undefined;
  return `{"tool_calls":[{"index":0,"id":"${call.id}","type":"function","function":{"name":${JSON.stringify(call.name)},"arguments":""}}]}`;
}

/**
 * Chat chunks as OpenAI streams them: a role chunk per choice, content (or tool-argument) deltas
 * with choice indexes interleaved when n > 1, one finish chunk per choice, the usage chunk with
 * `"choices":[]` when include_usage was asked for, then [DONE].
 */
export function chatStreamPlan(plan: AnswerPlan, includeUsage: boolean): StreamPlan {
  const framer = chunkFramer(plan, includeUsage);
  const { choices } = plan;
  const first = choices[0];
  const head = first === undefined ? [] : [framer.choice(0, roleDelta(first), "null")];
  const body: string[] = [];
  const longest = Math.max(1, ...choices.map((choice) => choice.pieces.length));
  for (let step = 0; step < longest; step++) {
    choices.forEach((choice, index) => {
      if (step === 0 && index > 0) body.push(framer.choice(index, roleDelta(choice), "null"));
      const header = step === 0 ? toolHeaderDelta(choice) : undefined;
      if (header !== undefined) body.push(framer.choice(index, header, "null"));
      const piece = choice.pieces[step];
      if (piece !== undefined) body.push(framer.choice(index, pieceDelta(choice, piece), "null"));
    });
  }
  const tail = choices.map((choice, index) => framer.choice(index, "{}", `"${choice.finishReason}"`));
  if (includeUsage) tail.push(framer.usage());
  tail.push(done);
  return { head, body, tail };
}
