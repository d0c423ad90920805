/** A simulated answer's billed tokens, rendered in each endpoint's usage shape below. */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  readonly reasoningTokens: number;
}

/** Roughly what OpenAI bills: about four characters per token, plus framing per message. */
const tokensPerMessage = 4;
const primingTokens = 3;
const tokensPerImage = 85;

function textTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Content may be a string or an array of parts (text, image, audio); anything else counts as empty. */
function contentTokens(content: unknown): number {
  if (typeof content === "string") return textTokens(content);
  if (!Array.isArray(content)) return 0;
  let tokens = 0;
  for (const part of content) {
    if (typeof part === "string") tokens += textTokens(part);
    else if (isRecord(part) && typeof part.text === "string") tokens += textTokens(part.text);
    else if (isRecord(part)) tokens += tokensPerImage;
  }
  return tokens;
}

function messageTokens(message: unknown): number {
  if (!isRecord(message)) return tokensPerMessage;
  let tokens = tokensPerMessage + contentTokens(message.content);
  if (typeof message.name === "string") tokens += 1;
  if (message.tool_calls !== undefined) tokens += textTokens(JSON.stringify(message.tool_calls));
  if (typeof message.output === "string") tokens += textTokens(message.output);
  if (typeof message.arguments === "string") tokens += textTokens(message.arguments);
  return tokens;
}

function toolsTokens(tools: unknown): number {
  return Array.isArray(tools) && tools.length > 0 ? textTokens(JSON.stringify(tools)) : 0;
}

export function chatPromptTokens(messages: unknown, tools: unknown): number {
  let tokens = primingTokens + toolsTokens(tools);
  if (Array.isArray(messages)) for (const message of messages) tokens += messageTokens(message);
  return tokens;
}

export function responsesInputTokens(input: unknown, instructions: unknown, tools: unknown): number {
  let tokens = primingTokens + toolsTokens(tools);
  if (typeof instructions === "string") tokens += tokensPerMessage + textTokens(instructions);
  if (typeof input === "string") return tokens + tokensPerMessage + textTokens(input);
  if (Array.isArray(input)) for (const item of input) tokens += messageTokens(item);
  return tokens;
}

/** Legacy prompts and embedding inputs: a string, strings, or already-tokenised integer arrays. */
export function inputTokenCounts(input: unknown): number[] {
  if (typeof input === "string") return [textTokens(input)];
  if (!Array.isArray(input)) return [0];
  if (input.length === 0) return [0];
  if (input.every((item) => typeof item === "number")) return [input.length];
  return input.map((item) => {
    if (typeof item === "string") return textTokens(item);
    return Array.isArray(item) ? item.length : 0;
  });
}

/** OpenAI only caches whole 128-token blocks of prompts of 1024 tokens or more. */
export function cachedTokensFor(promptTokens: number, cacheHit: boolean): number {
  if (!cacheHit || promptTokens < 1024) return 0;
  return Math.floor(promptTokens / 128) * 128 - 128;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Chat completions' usage object, key for key in OpenAI's order. */
export function chatUsage(usage: TokenUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** The Responses API renames the fields and reports only cached and reasoning details. */
export function responsesUsage(usage: TokenUsage): Record<string, unknown> {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

/** Legacy completions carry no details at all. */
export function legacyUsage(usage: TokenUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}
