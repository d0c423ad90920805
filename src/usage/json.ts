/** A parsed JSON object, read field by field as `unknown`: bodies and events come from elsewhere. */
export type Json = Record<string, unknown>;

/** Any non-null object; an array passes too, and reading a field of one gives undefined. */
export const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;

/** The value as an object with named fields, or undefined for anything else, arrays included. */
export const asRecord = (value: unknown): Json | undefined =>
  isObject(value) && !Array.isArray(value) ? value : undefined;

export const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const stringOf = (value: unknown): string => (typeof value === "string" ? value : "");

/** Parses JSON text into an object; malformed text is the sender's business, never the proxy's failure. */
export function parseJsonObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
