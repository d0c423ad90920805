import { createRequire } from "node:module";
import {
  type ChatCompletionFunctionDefinition,
  formatFunctionDefinitions,
} from "gpt-tokenizer/functionCalling";
import type { ToolCallText } from "./generated-output.js";
import { arrayOf, asRecord, type Json, stringOf } from "./json.js";
import { createTextCounter } from "./text-counter.js";

type EncodingName = "o200k_base" | "cl100k_base";
type Count = (text: string) => number;

type Encoder = Pick<typeof import("gpt-tokenizer/encoding/o200k_base"), "countTokens">;

// The OpenAI cookbook's chat accounting: 3 tokens wrap every message, a `name` costs 1 more, and the
// reply is primed with 3. https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
const tokensPerMessage = 3;
const tokensPerName = 1;
const replyPriming = 3;
// o3/o4/gpt-5 prompts measured one token below the cookbook rule in every recorded transcript
// (test/fixtures/openai 04, 05, 14, 40, 43), while o1 and gpt-4* match it exactly.
const newerReasoningModels = /^(?:o[3-9]|gpt-5)/;
// Function definitions are rendered as a TypeScript namespace in the system block: 9 tokens of framing,
// 4 fewer when a system message exists to host it. Same constants as gpt-tokenizer's functionCalling.ts,
// from https://community.openai.com/t/how-to-calculate-the-tokens-when-using-function-call/266573
const toolsOverhead = 9;
const toolsSystemDeduction = 4;
// A tool call is generated as `functions.<name>` plus arguments (or, for several calls at once, one
// multi_tool_use.parallel call wrapping them) inside 6 tokens of framing; fits fixtures 07 and 16 exactly.
const toolCallFraming = 6;

// Each encoding is megabytes of JavaScript: load it on first use so a proxy whose upstream always
// reports usage never pays for it. createRequire keeps the estimate synchronous.
const requireFromHere = createRequire(import.meta.url);
const encoders = new Map<EncodingName, Encoder>();
// User text may contain "<|endoftext|>": count it as the plain text it is instead of throwing.
const asPlainText = { disallowedSpecial: new Set<string>() };
const o200kModels = /^(?:gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o\d)/;

/** o200k_base for the GPT-4o generation onwards, cl100k_base for older and unknown models. */
export function encodingFor(model: string): EncodingName {
  return o200kModels.test(bareModel(model)) ? "o200k_base" : "cl100k_base";
}

/** Tokens of generated text, e.g. the concatenated content of every choice. */
export function estimateCompletionTokens(model: string, text: string): number {
  return counterFor(model)(text);
}

/** Tokens the model generated to produce these tool calls (in one assistant message). */
export function estimateToolCallTokens(model: string, calls: readonly ToolCallText[]): number {
  const count = counterFor(model);
  const [first] = calls;
  if (first === undefined) return 0;
  if (calls.length === 1) return toolCallFraming + count(`functions.${first.name}`) + count(first.arguments);
  const toolUses = calls.map((call) => ({
    recipient_name: `functions.${call.name}`,
    parameters: parseOrKeep(call.arguments),
  }));
  const rawArguments = calls.map((call) => call.arguments).join("");
  const text = stringifyOr({ tool_uses: toolUses }, rawArguments);
  return toolCallFraming + count("multi_tool_use.parallel") + count(text);
}

/**
 * Prompt tokens of a chat, responses, completions or embeddings request body, for upstreams that report
 * no usage. Text only: images, audio, files and encrypted reasoning items are not counted.
 */
export function estimatePromptTokens(model: string, body: unknown): number {
  const request = asRecord(body);
  if (request === undefined) return 0;
  const count = counterFor(model);
  const priming = newerReasoningModels.test(bareModel(model)) ? replyPriming - 1 : replyPriming;
  if (Array.isArray(request.messages)) return priming + chatTokens(request, request.messages, count);
  if (request.prompt !== undefined) return inputTokens(request.prompt, count);
  if (isEmbeddings(model, request)) return inputTokens(request.input, count);
  return priming + chatTokens(request, responsesMessages(request), count);
}

function chatTokens(request: Json, messages: readonly unknown[], count: Count): number {
  const records = messages.map((message) => asRecord(message) ?? {});
  const hasSystem = records.some((message) => message.role === "system" || message.role === "developer");
  let total = toolTokens(request, hasSystem, count);
  for (const message of records) total += messageTokens(message, count);
  return total;
}

function messageTokens(message: Json, count: Count): number {
  if (message.type === "function_call") return functionCallTokens(message, count);
  if (message.type === "function_call_output") return tokensPerMessage + count(contentText(message.output));
  if (message.type === "reasoning") return count(contentText(message.summary));
  let total = tokensPerMessage + count(stringOf(message.role)) + count(contentText(message.content));
  if (typeof message.name === "string") total += tokensPerName + count(message.name);
  const calls = arrayOf(message.tool_calls).map((call) => asRecord(call)?.function);
  if (message.function_call !== undefined) calls.push(message.function_call);
  return calls.reduce((sum: number, call) => sum + functionCallTokens(call, count), total);
}

function functionCallTokens(call: unknown, count: Count): number {
  const fields = asRecord(call) ?? {};
  return tokensPerMessage + count(stringOf(fields.name)) + count(stringOf(fields.arguments));
}

/** Responses API: `instructions` act as a developer message ahead of `input` (a string or items). */
function responsesMessages(request: Json): unknown[] {
  const input = request.input;
  const items = typeof input === "string" ? [{ role: "user", content: input }] : [...arrayOf(input)];
  const instructions = request.instructions;
  return typeof instructions === "string" ? [{ role: "developer", content: instructions }, ...items] : items;
}

function toolTokens(request: Json, hasSystem: boolean, count: Count): number {
  const definitions = [...arrayOf(request.tools), ...arrayOf(request.functions)].flatMap(functionDefinition);
  if (definitions.length === 0) return 0;
  const overhead = hasSystem ? toolsOverhead - toolsSystemDeduction : toolsOverhead;
  try {
    return overhead + count(formatFunctionDefinitions(definitions));
  } catch {
    // Schemas the TypeScript rendering cannot walk (null properties, …): their JSON is a fair stand-in.
    return overhead + count(stringifyOr(definitions, ""));
  }
}

/** Chat nests the definition under `function`; the Responses API puts name and parameters on the tool. */
function functionDefinition(tool: unknown): ChatCompletionFunctionDefinition[] {
  const fields = asRecord(tool);
  const definition = asRecord(fields?.function) ?? fields;
  if (definition === undefined || typeof definition.name !== "string") return [];
  return [definition as unknown as ChatCompletionFunctionDefinition];
}

/** Embeddings and Responses both send `input`; only embeddings accept bare strings and token ids. */
function isEmbeddings(model: string, request: Json): boolean {
  if (/embed/i.test(model) || "encoding_format" in request || "dimensions" in request) return true;
  const input = request.input;
  return Array.isArray(input) && input.every((item) => typeof item !== "object" || Array.isArray(item));
}

/**
 * Completions `prompt` / embeddings `input`: a string, strings, token ids, or arrays of token ids, so
 * two levels at most; deeper arrays are not a prompt (and would recurse as deep as the client nests).
 */
function inputTokens(input: unknown, count: Count, depth = 0): number {
  if (typeof input === "string") return count(input);
  if (!Array.isArray(input) || depth > 1) return 0;
  if (input.every((item) => typeof item === "number")) return input.length;
  return input.reduce((sum: number, item) => sum + inputTokens(item, count, depth + 1), 0);
}

/** Message content: a string, or parts of which the text-bearing ones count. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  const texts = arrayOf(content).map((part) => {
    const fields = asRecord(part);
    return stringOf(fields?.text) || stringOf(fields?.refusal);
  });
  return texts.join("");
}

function counterFor(model: string): Count {
  const encoding = encodingFor(model);
  return createTextCounter((text) => loadEncoder(encoding).countTokens(text, asPlainText));
}

function loadEncoder(encoding: EncodingName): Encoder {
  const encoder =
    encoders.get(encoding) ?? (requireFromHere(`gpt-tokenizer/encoding/${encoding}`) as Encoder);
  encoders.set(encoding, encoder);
  return encoder;
}

function bareModel(model: string): string {
  const name = model.trim().toLowerCase();
  return name.slice(name.lastIndexOf("/") + 1);
}

/** JSON.stringify recurses: a value nested thousands deep (parsed fine) throws RangeError. */
function stringifyOr(value: unknown, fallback: string): string {
  try {
    return JSON.stringify(value);
  } catch {
    return fallback;
  }
}

function parseOrKeep(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json; // a stream cut short leaves truncated arguments; count them as they are
  }
}
