import { positiveInteger } from "./answer-plan.js";
import { deliverJson, jsonType, successHeaders } from "./delivery.js";
import type { Exchange } from "./exchange.js";
import { missingParameter, sendError } from "./openai-errors.js";
import { createDraw, type Draw, seedOf } from "./text-generation.js";
import { inputTokenCounts } from "./token-counting.js";

/** Small by default so test bodies stay readable; `dimensions` asks for more. */
const defaultDimensions = 8;
const maxDimensions = 4096;

/** A unit vector, as OpenAI's embeddings are normalised. */
function unitVector(draw: Draw, dimensions: number): number[] {
  const values = Array.from({ length: dimensions }, () => draw() / 0x80000000 - 1);
  const norm = Math.hypot(...values) || 1;
  return values.map((value) => Number((value / norm).toPrecision(8)));
}

/** base64 is the little-endian float32 bytes, which is what the SDKs decode. */
function encode(vector: number[], base64: boolean): number[] | string {
  if (!base64) return vector;
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
}

/** POST /v1/embeddings: one deterministic vector per input. */
export async function handleEmbeddings(
  ex: Exchange,
  body: Record<string, unknown>,
  model: string,
): Promise<void> {
  if (body.input === undefined) return sendError(ex, 400, missingParameter("input"), {}, "api");
  const counts = inputTokenCounts(body.input);
  const dimensions = Math.min(positiveInteger(body.dimensions) ?? defaultDimensions, maxDimensions);
  const base64 = body.encoding_format === "base64";
  const draw = createDraw(seedOf([model, body.input]));
  const promptTokens = counts.reduce((sum, count) => sum + count, 0);
  const list = {
    object: "list",
    data: counts.map((_, index) => ({
      object: "embedding",
      index,
      embedding: encode(unitVector(draw, dimensions), base64),
    })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
  // A header value must be Latin-1 without control characters; any model name a client sends need not be.
  const headerSafe = /^[\x20-\x7e]*$/.test(model) ? model : encodeURIComponent(model);
  const headers = { ...successHeaders(ex, model, promptTokens, jsonType), "openai-model": headerSafe };
  return deliverJson(ex, headers, `${JSON.stringify(list, null, 2)}\n`);
}
