import type { GeneratedOutput, TextCounter } from "./generated-output.js";

export interface OutputCollector {
  addText(choice: number, text: string): void;
  /** Appends a fragment of tool call `index` of `choice`: streams send the name once, then argument pieces. */
  addToolCall(choice: number, index: number, name: string, args: string): void;
  /** Tokens known without their text (an event too long to decode). */
  addTokens(choice: number, tokens: number): void;
  output(): GeneratedOutput;
}

/**
 * Text is kept per choice until it passes this many characters; then it is counted up to its last space
 * and only the rest is kept, so a stream's estimate holds at most about this much text per choice rather
 * than the whole stream (4 MB for a long one). A token never spans a cut before a space (the tokenizer's
 * pre-split starts a word at its leading space), so the count is the one the whole text gives; text
 * without spaces (e.g. Chinese, long JSON arguments) is cut at the limit, at most one token off per cut.
 */
const blockChars = 16 * 1024;
// Bounds against an upstream that numbers its choices or tool calls without limit (OpenAI's n is ≤ 128).
const maxChoices = 128;
const maxCalls = 128;
const maxNameChars = 256;
const overflow = Number.MAX_SAFE_INTEGER;

interface Call {
  name: string;
  arguments: string;
}

interface ChoiceParts {
  pieces: string[];
  pendingChars: number;
  counted: number;
  readonly calls: Map<number, Call>;
}

/** Gathers a stream's deltas per choice, so interleaved choices (n > 1) are counted each on its own. */
export function createOutputCollector(count: TextCounter): OutputCollector {
  const choices = new Map<number, ChoiceParts>();
  const partsOf = (choice: number): ChoiceParts => {
    const key = choices.has(choice) || choices.size < maxChoices ? choice : overflow;
    let parts = choices.get(key);
    if (parts === undefined) {
      parts = { pieces: [], pendingChars: 0, counted: 0, calls: new Map() };
      choices.set(key, parts);
    }
    return parts;
  };
  return {
    addText(choice, text) {
      if (text === "") return;
      const parts = partsOf(choice);
      parts.pieces.push(text);
      parts.pendingChars += text.length;
      if (parts.pendingChars > blockChars) foldText(parts, count);
    },
    addToolCall(choice, index, name, args) {
      const parts = partsOf(choice);
      const key = parts.calls.has(index) || parts.calls.size < maxCalls ? index : overflow;
      const call = parts.calls.get(key) ?? { name: "", arguments: "" };
      if (call.name.length < maxNameChars) call.name = (call.name + name).slice(0, maxNameChars);
      call.arguments += args;
      if (call.arguments.length > blockChars) call.arguments = keepAfterCut(call.arguments, parts, count);
      parts.calls.set(key, call);
    },
    addTokens(choice, tokens) {
      partsOf(choice).counted += tokens;
    },
    output: () =>
      [...choices.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, parts]) => ({
          text: parts.pieces.join(""),
          toolCalls: [...parts.calls.entries()]
            .sort(([a], [b]) => a - b)
            .map(([, call]) => ({ name: call.name, arguments: call.arguments })),
          ...(parts.counted > 0 ? { countedTokens: parts.counted } : {}),
        })),
  };
}

function foldText(parts: ChoiceParts, count: TextCounter): void {
  const rest = keepAfterCut(parts.pieces.join(""), parts, count);
  parts.pieces = rest === "" ? [] : [rest];
  parts.pendingChars = rest.length;
}

/**
 * Counts `text` up to its last space (whole when that space is in its first half), adds that to the
 * choice, and returns what is left.
 */
function keepAfterCut(text: string, parts: ChoiceParts, count: TextCounter): string {
  const space = text.lastIndexOf(" ");
  const cut = space > text.length / 2 ? space : text.length;
  parts.counted += count(text.slice(0, cut));
  return text.slice(cut);
}
