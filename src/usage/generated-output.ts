/** A tool call the model generated: its function's name and arguments. */
export interface ToolCallText {
  readonly name: string;
  /** The arguments JSON exactly as the model produced it. */
  readonly arguments: string;
}

/** One generated message (a choice, or a Responses output): its text and the tool calls it made. */
export interface GeneratedMessage {
  readonly text: string;
  readonly toolCalls: readonly ToolCallText[];
}

/**
 * What a response generated, kept for estimating its tokens when the upstream reported no usage. Tool
 * calls stay apart from the text because the model generates them inside framing (and several at once
 * inside one `multi_tool_use.parallel` call) that counting the bare arguments would miss: fixture 18's
 * two calls are 46 completion tokens, their names and arguments alone 18.
 */
export type GeneratedOutput = readonly GeneratedMessage[];

export interface OutputCollector {
  addText(choice: number, text: string): void;
  /** Appends a fragment of tool call `index` of `choice`: streams send the name once, then argument pieces. */
  addToolCall(choice: number, index: number, name: string, args: string): void;
  output(): GeneratedOutput;
}

interface ChoiceParts {
  readonly pieces: string[];
  readonly calls: Map<number, { name: string; arguments: string }>;
}

/** Gathers a stream's deltas per choice, so interleaved choices (n > 1) are counted each on its own. */
export function createOutputCollector(): OutputCollector {
  const choices = new Map<number, ChoiceParts>();
  const partsOf = (choice: number): ChoiceParts => {
    let parts = choices.get(choice);
    if (parts === undefined) {
      parts = { pieces: [], calls: new Map() };
      choices.set(choice, parts);
    }
    return parts;
  };
  return {
    addText(choice, text) {
      if (text !== "") partsOf(choice).pieces.push(text);
    },
    addToolCall(choice, index, name, args) {
      const { calls } = partsOf(choice);
      const call = calls.get(index) ?? { name: "", arguments: "" };
      calls.set(index, { name: call.name + name, arguments: call.arguments + args });
    },
    output: () =>
      [...choices.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, parts]) => ({
          text: parts.pieces.join(""),
          toolCalls: [...parts.calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call),
        })),
  };
}

/** A whole output as one plain text, e.g. for an upstream or a caller that only has text. */
export const textOutput = (text: string): GeneratedOutput => (text === "" ? [] : [{ text, toolCalls: [] }]);
