import { isObject, type Json } from "../usage/json.js";
import { invalidJson, missingModel } from "./proxy-error.js";

export interface ParsedRequest {
  readonly json: Json;
  readonly model: string;
  readonly stream: boolean;
}

/** Parses the client's body once; the bytes themselves go upstream unchanged. */
export function parseRequestBody(body: Buffer, defaultModel?: string): ParsedRequest {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw invalidJson();
  }
  if (!isObject(json) || Array.isArray(json)) throw invalidJson();
  const model = json.model ?? defaultModel;
  if (typeof model !== "string" || model.trim() === "") throw missingModel();
  return { json, model, stream: json.stream === true };
}

/** True when the client asked for the usage chunk itself; then its stream is passed on untouched. */
export function clientAskedForUsage(json: Json): boolean {
  return isObject(json.stream_options) && json.stream_options.include_usage === true;
}

const injection = Buffer.from('"stream_options":{"include_usage":true},');

/**
 * The body with `stream_options.include_usage: true`, so that the upstream reports a stream's usage.
 * When the client sent no `stream_options`, the field is spliced in after the opening brace and every
 * other byte stays as sent; otherwise the client's options are merged and the body re-serialised.
 * https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
export function withIncludeUsage(body: Buffer, json: Json): Buffer {
  if (json.stream_options === undefined) {
    const brace = body.indexOf(0x7b);
    return Buffer.concat([body.subarray(0, brace + 1), injection, body.subarray(brace + 1)]);
  }
  const streamOptions = isObject(json.stream_options) ? json.stream_options : {};
  return Buffer.from(JSON.stringify({ ...json, stream_options: { ...streamOptions, include_usage: true } }));
}
