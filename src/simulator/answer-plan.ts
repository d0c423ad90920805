import type { Exchange } from "./exchange.js";
import { isReasoningModel, snapshotOf } from "./model-catalog.js";
import {
  createDraw,
  type Draw,
  drawHex,
  drawPieceCount,
  drawPieces,
  drawString,
  drawWord,
  seedOf,
  splitIntoPieces,
} from "./text-generation.js";
import { cachedTokensFor, isRecord, type TokenUsage } from "./token-counting.js";

/** The function the answer calls when the request offered tools. */
export interface ToolSpec {
  readonly name: string;
  readonly argumentName: string;
}

export interface ToolCallPlan {
  readonly id: string;
  readonly name: string;
}

export type FinishReason = "stop" | "length" | "tool_calls";

export interface ChoicePlan {
  /** Content pieces, or argument pieces when `toolCall` is set; one piece is one completion token. */
  readonly pieces: readonly string[];
  readonly text: string;
  readonly toolCall: ToolCallPlan | undefined;
  readonly finishReason: FinishReason;
  readonly reasoningTokens: number;
}

export interface AnswerPlan {
  readonly model: string;
  readonly created: number;
  readonly idSuffix: string;
  readonly fingerprint: string;
  /** Continues the request's deterministic sequence for endpoint-specific ids. */
  readonly draw: Draw;
  readonly choices: readonly ChoicePlan[];
  readonly usage: TokenUsage;
}

export interface AnswerRequest {
  readonly model: string;
  readonly seedParts: readonly unknown[];
  readonly promptTokens: number;
  readonly choiceCount: number;
  readonly maxTokens: number | undefined;
  readonly tool: ToolSpec | undefined;
}

const reasoningTokensPerChoice = 64;

export function planAnswer(ex: Exchange, request: AnswerRequest): AnswerPlan {
  const seed = seedOf([request.model, ...request.seedParts]);
  const draw = createDraw(seed);
  const forced = forcedPieceCount(ex);
  const choices: ChoicePlan[] = [];
  for (let index = 0; index < request.choiceCount; index++) {
    choices.push(planChoice(createDraw(seed + Math.imul(index + 1, 0x9e3779b9)), request, forced));
  }
  const first = choices[0];
  if (first !== undefined && ex.faults.hugeEventBytes > 0)
    choices[0] = withHugePiece(first, ex.faults.hugeEventBytes);
  let completionTokens = 0;
  let reasoningTokens = 0;
  for (const choice of choices) {
    completionTokens += choice.pieces.length + choice.reasoningTokens;
    reasoningTokens += choice.reasoningTokens;
  }
  return {
    model: snapshotOf(request.model),
    created: Math.floor(ex.context.now() / 1000),
    idSuffix: drawString(draw, 29),
    fingerprint: `fp_${drawHex(draw, 10)}`,
    draw,
    choices,
    usage: usageOf(ex, request.promptTokens, completionTokens, reasoningTokens),
  };
}

function usageOf(ex: Exchange, promptTokens: number, completionTokens: number, reasoningTokens: number) {
  const forced = ex.faults.usageTokens;
  if (forced !== undefined) {
    return { promptTokens: forced, completionTokens: forced, cachedTokens: 0, reasoningTokens: 0 };
  }
  const cacheHit = ex.req.headers["x-simulator-cache"] === "hit";
  const cachedTokens = cachedTokensFor(promptTokens, cacheHit);
  return { promptTokens, completionTokens, cachedTokens, reasoningTokens };
}

function planChoice(draw: Draw, request: AnswerRequest, forced: number | undefined): ChoicePlan {
  const { tool, maxTokens } = request;
  const toolCall = tool === undefined ? undefined : { id: `call_${drawString(draw, 24)}`, name: tool.name };
  const all =
    tool === undefined ? drawPieces(draw, forced ?? drawPieceCount(draw)) : toolArgumentPieces(draw, tool);
  const reasoning = isReasoningModel(request.model)
    ? Math.min(reasoningTokensPerChoice, maxTokens ?? reasoningTokensPerChoice)
    : 0;
  const room = maxTokens === undefined ? all.length : Math.max(0, maxTokens - reasoning);
  const pieces = all.length > room ? all.slice(0, room) : all;
  const finishReason = pieces.length < all.length ? "length" : toolCall ? "tool_calls" : "stop";
  return { pieces, text: pieces.join(""), toolCall, finishReason, reasoningTokens: reasoning };
}

/**
 * `huge_event:BYTES`: the first content piece padded to BYTES characters, so that the stream carries it
 * in one event (the Responses API repeats the whole text in its closing events, as OpenAI does).
 */
function withHugePiece(choice: ChoicePlan, bytes: number): ChoicePlan {
  const [first, ...rest] = choice.pieces;
  if (choice.toolCall !== undefined || first === undefined || first.length >= bytes) return choice;
  const pieces = [first + "a".repeat(bytes - first.length), ...rest];
  return { ...choice, pieces, text: pieces.join("") };
}

function toolArgumentPieces(draw: Draw, tool: ToolSpec): string[] {
  const value = `${drawWord(draw)} ${drawWord(draw)}`;
  return splitIntoPieces(JSON.stringify({ [tool.argumentName]: value }), 4);
}

/** `x-simulator-tokens: N` pins the answer length, which the benchmark relies on. */
function forcedPieceCount(ex: Exchange): number | undefined {
  const header = ex.req.headers["x-simulator-tokens"];
  if (typeof header !== "string") return undefined;
  const count = Number(header);
  return Number.isInteger(count) && count >= 0 ? Math.min(count, 10_000) : undefined;
}

/** A positive integer request parameter, or undefined when absent or unusable. */
export function positiveInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

export function choiceCountOf(value: unknown): number {
  return Math.min(positiveInteger(value) ?? 1, 128);
}

export function includeUsageOf(body: Record<string, unknown>): boolean {
  return isRecord(body.stream_options) && body.stream_options.include_usage === true;
}

/**
 * The function the simulated model calls: the one `tool_choice` names, else the first function
 * tool. Chat nests it under `function`; the Responses API flattens it.
 */
export function toolSpecOf(tools: unknown, toolChoice: unknown): ToolSpec | undefined {
  if (!Array.isArray(tools) || tools.length === 0 || toolChoice === "none") return undefined;
  const named = chosenName(toolChoice);
  const functions = tools.filter(isRecord).map((tool) => (isRecord(tool.function) ? tool.function : tool));
  const chosen = functions.find((fn) => named === undefined || fn.name === named);
  if (chosen === undefined || typeof chosen.name !== "string") return undefined;
  return { name: chosen.name, argumentName: firstPropertyName(chosen.parameters) ?? "input" };
}

function chosenName(toolChoice: unknown): string | undefined {
  if (!isRecord(toolChoice)) return undefined;
  if (typeof toolChoice.name === "string") return toolChoice.name;
  return isRecord(toolChoice.function) && typeof toolChoice.function.name === "string"
    ? toolChoice.function.name
    : undefined;
}

function firstPropertyName(parameters: unknown): string | undefined {
  if (!isRecord(parameters) || !isRecord(parameters.properties)) return undefined;
  return Object.keys(parameters.properties)[0];
}
