const modelKey = Buffer.from('"model"');
// The key's value, a JSON string; model names are short, so a longer one is not read.
const modelValue = /^\s*:\s*("(?:[^"\\]|\\.){1,256}")/;

/** The string value of the `"model"` key at byte `at`, or undefined when it is not a string. */
function modelAt(bytes: Buffer, at: number): string | undefined {
  if (at < 0) return undefined;
  const start = at + modelKey.length;
  const literal = modelValue.exec(bytes.subarray(start, start + 600).toString("utf8"))?.[1];
  if (literal === undefined) return undefined;
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}

/**
 * The model a non-streamed response says answered, found by a native byte search rather than a parse.
 * Chat, completions and Responses objects name `model` before anything nested that could (the first
 * one is the top-level one); an embeddings list names it once, after the vectors. A body kept only by
 * its tail (over a megabyte) is searched from its end. A quote inside a JSON string is escaped, so
 * `"model"` cannot be read out of content.
 */
export function answeredModelOf(bytes: Buffer, wholeBody: boolean): string | undefined {
  return modelAt(bytes, wholeBody ? bytes.indexOf(modelKey) : bytes.lastIndexOf(modelKey));
}

/** A parsed event's or object's `model`, when it is a non-empty string. */
export const modelField = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;
