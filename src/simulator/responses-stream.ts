import type { StreamPlan } from "./delivery.js";
import {
  answerItem,
  finalStatus,
  outputItems,
  outputText,
  pythonFloats,
  type ResponseDraft,
  reasoningItem,
  responseObject,
} from "./response-object.js";

/** Numbers the events in emission order, as `sequence_number` does. */
class EventWriter {
  private sequence = 0;

  /** `after` holds the fields OpenAI writes after sequence_number. */
  event(type: string, fields: Record<string, unknown>, after: Record<string, unknown> = {}): string {
    const data = JSON.stringify({ type, ...fields, sequence_number: this.sequence++, ...after });
    return `event: ${type}\ndata: ${data}\n\n`;
  }

  /** Deltas are the hot path, so they are concatenated rather than serialised as objects. */
  textDelta(itemId: string, outputIndex: number, delta: string): string {
    const data = `{"type":"response.output_text.delta","content_index":0,"delta":${JSON.stringify(delta)},"item_id":"${itemId}","logprobs":[],"output_index":${outputIndex},"sequence_number":${this.sequence++}}`;
    return `event: response.output_text.delta\ndata: ${data}\n\n`;
  }

  argumentsDelta(itemId: string, outputIndex: number, delta: string): string {
    const data = `{"type":"response.function_call_arguments.delta","delta":${JSON.stringify(delta)},"item_id":"${itemId}","output_index":${outputIndex},"sequence_number":${this.sequence++}}`;
    return `event: response.function_call_arguments.delta\ndata: ${data}\n\n`;
  }

  response(type: string, draft: ResponseDraft, final: boolean): string {
    const output = final ? outputItems(draft) : [];
    const response = responseObject(draft, final ? finalStatus(draft) : "in_progress", output);
    return pythonFloats(this.event(type, { response }));
  }
}

function textEvents(events: EventWriter, draft: ResponseDraft, outputIndex: number): StreamPlan {
  const { itemId, choice } = draft;
  const at = { content_index: 0, item_id: itemId };
  const head = [
    events.event("response.content_part.added", { ...at, output_index: outputIndex, part: outputText("") }),
  ];
  const body = choice.pieces.map((piece) => events.textDelta(itemId, outputIndex, piece));
  const tail = [
    events.event(
      "response.output_text.done",
      { ...at, logprobs: [], output_index: outputIndex },
      { text: choice.text },
    ),
    events.event("response.content_part.done", {
      ...at,
      output_index: outputIndex,
      part: outputText(choice.text),
    }),
  ];
  return { head, body, tail };
}

function argumentEvents(events: EventWriter, draft: ResponseDraft, outputIndex: number): StreamPlan {
  const { itemId, choice } = draft;
  const body = choice.pieces.map((piece) => events.argumentsDelta(itemId, outputIndex, piece));
  const done = { arguments: choice.text, item_id: itemId, output_index: outputIndex };
  return { head: [], body, tail: [events.event("response.function_call_arguments.done", done)] };
}

/**
 * Responses API events: created, in_progress, an optional reasoning item, the answer item with its
 * deltas and done events, then response.completed (or response.incomplete when max_output_tokens
 * cut it) carrying the usage. No [DONE].
 */
export function responsesStreamPlan(draft: ResponseDraft): StreamPlan {
  const events = new EventWriter();
  const head = [
    events.response("response.created", draft, false),
    events.response("response.in_progress", draft, false),
  ];
  const reasoning = reasoningItem(draft);
  if (reasoning !== undefined) {
    head.push(events.event("response.output_item.added", { item: reasoning, output_index: 0 }));
    head.push(events.event("response.output_item.done", { item: reasoning, output_index: 0 }));
  }
  const outputIndex = reasoning === undefined ? 0 : 1;
  const started = answerItem(draft, "start");
  head.push(events.event("response.output_item.added", { item: started, output_index: outputIndex }));
  const answer = draft.choice.toolCall
    ? argumentEvents(events, draft, outputIndex)
    : textEvents(events, draft, outputIndex);
  const finished = answerItem(draft, "final");
  const tail = [
    ...answer.tail,
    events.event("response.output_item.done", { item: finished, output_index: outputIndex }),
    events.response(`response.${finalStatus(draft)}`, draft, true),
  ];
  return { head: [...head, ...answer.head], body: answer.body, tail };
}
