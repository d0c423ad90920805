import { detachedPrefix } from "../pricing/model-name.js";

/** The label value of every value past the cap, as with `model="other"`. */
export const overflowValue = "other";

const maxValueLength = 64;
// C0 and C1 control characters and DEL: a label value is shown in terminals, logs and legends.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
const controlCharacters = new RegExp(controlCharacter.source, "g");

/** A caller's value as it may appear anywhere: control characters removed, cut to 64 characters. */
export function cleanValue(raw: string): string {
  const clean = controlCharacter.test(raw) ? raw.replace(controlCharacters, "") : raw;
  // A copy, not a slice that would keep a long body string alive; never half a surrogate pair.
  return clean.length <= maxValueLength ? clean : detachedPrefix(clean, maxValueLength);
}

export interface ValueLabelerOptions {
  readonly maxValues: number;
  /** Called for each value that falls into `other`, i.e. once per such request. */
  readonly onOverflow: () => void;
}

/** Maps a cleaned value to its label value. */
export type ValueLabeler = (value: string) => string;

/**
 * Values come from callers, so one caller could mint a series per request: the first `maxValues`
 * distinct values keep their own label for the life of the process, every later one is `other`. The
 * empty value (none given) and `other` itself take no place. Memory holds the admitted values only.
 */
export function createValueLabeler({ maxValues, onOverflow }: ValueLabelerOptions): ValueLabeler {
  // Each admitted value is kept as a copy of its own, and that copy is what labels carry.
  const admitted = new Map<string, string>();
  return function labelOf(value) {
    if (value === "" || value === overflowValue) return value;
    const label = admitted.get(value);
    if (label !== undefined) return label;
    if (admitted.size < maxValues) {
      const copy = detachedPrefix(value, value.length);
      admitted.set(copy, copy);
      return copy;
    }
    onOverflow();
    return overflowValue;
  };
}
