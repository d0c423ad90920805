/** The label value of every value past the cap, as with `model="other"`. */
export const overflowValue = "other";

const maxValueLength = 64;
// C0 and C1 control characters and DEL: a label value is shown in terminals, logs and legends.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
const controlCharacters = new RegExp(controlCharacter.source, "g");
const highSurrogate = /[\ud800-\udbff]$/;

/** A caller's value as it may appear anywhere: control characters removed, cut to 64 characters. */
export function cleanValue(raw: string): string {
  const clean = controlCharacter.test(raw) ? raw.replace(controlCharacters, "") : raw;
  if (clean.length <= maxValueLength) return clean;
  // A cut between the two halves of a surrogate pair would leave half a character, invalid in UTF-8.
  const cut = clean.slice(0, maxValueLength);
  return highSurrogate.test(cut) ? cut.slice(0, -1) : cut;
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
  const admitted = new Set<string>();
  return function labelOf(value) {
    if (value === "" || value === overflowValue || admitted.has(value)) return value;
    if (admitted.size < maxValues) {
      admitted.add(value);
      return value;
    }
    onOverflow();
    return overflowValue;
  };
}
