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
  /** Tokens of generated text counted as it passed and no longer kept (see output-collector.ts). */
  readonly countedTokens?: number;
}

/** Counts the tokens of a piece of generated text, for the model that generated it. */
export type TextCounter = (text: string) => number;

/**
 * What a response generated, kept for estimating its tokens when the upstream reported no usage. Tool
 * calls stay apart from the text because the model generates them inside framing (and several at once
 * inside one `multi_tool_use.parallel` call) that counting the bare arguments would miss: fixture 18's
 * two calls are 46 completion tokens, their names and arguments alone 18.
 */
export type GeneratedOutput = readonly GeneratedMessage[];

/** A whole output as one plain text, e.g. for an upstream or a caller that only has text. */
export const textOutput = (text: string): GeneratedOutput => (text === "" ? [] : [{ text, toolCalls: [] }]);
