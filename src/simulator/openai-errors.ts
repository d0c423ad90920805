import type { OutgoingHttpHeaders } from "node:http";
import type { Exchange, SimulatedEndpoint } from "./exchange.js";

export interface OpenAiError {
  readonly message: string;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
}

/**
 * OpenAI answers in two layouts: its gateway (auth, quota, unknown routes, chat-side 404/429) with a
 * 4-space indent, trailing newline and charset; its API layer (parameter errors, everything from
 * /v1/responses) with a 2-space indent and no newline.
 */
export type ErrorLayout = "gateway" | "api";

export function sendError(
  ex: Exchange,
  status: number,
  error: OpenAiError,
  headers: OutgoingHttpHeaders = {},
  layout: ErrorLayout = ex.endpoint === "responses" ? "api" : "gateway",
): void {
  const gateway = layout === "gateway";
  const body = gateway ? `${JSON.stringify({ error }, null, 4)}\n` : JSON.stringify({ error }, null, 2);
  const contentType = gateway ? "application/json; charset=utf-8" : "application/json";
  ex.respond(status, { "content-type": contentType, ...headers }, body);
}

function invalidRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): OpenAiError {
  return { message, type: "invalid_request_error", param, code };
}

export function invalidUrl(method: string, path: string): OpenAiError {
  return invalidRequest(`Invalid URL (${method} ${path})`);
}

export function invalidJson(): OpenAiError {
  return invalidRequest(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
  );
}

export function bodyTooLarge(limitBytes: number): OpenAiError {
  return invalidRequest(`Request body too large: the limit is ${limitBytes} bytes.`);
}

export function missingModel(): OpenAiError {
  return invalidRequest("you must provide a model parameter");
}

export function missingParameter(name: string): OpenAiError {
  return invalidRequest(`Missing required parameter: '${name}'.`, name, "missing_required_parameter");
}

export function invalidType(name: string, expected: string): OpenAiError {
  return invalidRequest(`Invalid type for '${name}': expected ${expected}.`, name, "invalid_type");
}

export function emptyArray(name: string): OpenAiError {
  return invalidRequest(
    `Invalid '${name}': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
    name,
    "empty_array",
  );
}

export function modelNotFound(model: string): OpenAiError {
  return invalidRequest(
    `The model \`${model}\` does not exist or you do not have access to it.`,
    null,
    "model_not_found",
  );
}

export function serverError(): OpenAiError {
  return {
    message: "The server had an error while processing your request. Sorry about that!",
    type: "server_error",
    param: null,
    code: null,
  };
}

export function insufficientQuota(): OpenAiError {
  return {
    message:
      "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
    type: "insufficient_quota",
    param: null,
    code: "insufficient_quota",
  };
}

export function rateLimitExceeded(model: string, limit: number, retryAfterSeconds: number): OpenAiError {
  return {
    message: `Rate limit reached for ${model} in organization org-simulator on requests per min (RPM): Limit ${limit}, Used ${limit}, Requested 1. Please try again in ${retryAfterSeconds}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
    type: "requests",
    param: null,
    code: "rate_limit_exceeded",
  };
}

/**
 * The event that ends a stream which failed midway: the Responses API's `error` event, or on chat and
 * completions a `data:` object holding `error` (what OpenAI sends, and the openai SDK raises as an APIError).
 * https://platform.openai.com/docs/api-reference/responses-streaming/error
 */
export function streamErrorFrame(endpoint: SimulatedEndpoint, sequenceNumber: number): string {
  const { message } = serverError();
  if (endpoint !== "responses") return `data: ${JSON.stringify({ error: serverError() })}\n\n`;
  const event = {
    type: "error",
    code: "server_error",
    message,
    param: null,
    sequence_number: sequenceNumber,
  };
  return `event: error\ndata: ${JSON.stringify(event)}\n\n`;
}
