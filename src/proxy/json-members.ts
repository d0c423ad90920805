import { isJsonSpace, skipJsonSpace } from "../stream/json-bytes.js";

/** Where one member of a JSON object sits in the bytes: from its key's quote to the end of its value. */
export interface MemberSpan {
  readonly key: string;
  readonly start: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

const quote = 0x22;
const backslash = 0x5c;
const isOpen = (byte: number | undefined) => byte === 0x7b || byte === 0x5b;
const isClose = (byte: number | undefined) => byte === 0x7d || byte === 0x5d;

/**
 * The members of the object that opens at `open`, in order, found without building a tree: one pass,
 * no recursion, strings skipped by native search. A body nested thousands deep parses (V8's JSON.parse
 * is iterative) but cannot be re-serialised (JSON.stringify recurses and throws RangeError), so edits
 * to a client's body are made as byte splices at these spans. `bytes` must be JSON that JSON.parse
 * accepted; for anything else the spans are meaningless.
 */
export function objectMembers(bytes: Buffer, open: number): MemberSpan[] {
  const members: MemberSpan[] = [];
  let at = skipJsonSpace(bytes, open + 1);
  while (bytes[at] === quote) {
    const keyEnd = stringEnd(bytes, at);
    const valueStart = skipJsonSpace(bytes, skipJsonSpace(bytes, keyEnd) + 1);
    const valueEnd = valueEndAt(bytes, valueStart);
    members.push({ key: keyOf(bytes, at, keyEnd), start: at, valueStart, valueEnd });
    at = skipJsonSpace(bytes, valueEnd);
    if (bytes[at] === 0x2c) at = skipJsonSpace(bytes, at + 1);
  }
  return members;
}

/** The index of the top-level value's first byte (after leading whitespace). */
export const valueStartOf = (bytes: Buffer): number => skipJsonSpace(bytes, 0);

/** The index just past the closing quote of the string that opens at `open`. */
function stringEnd(bytes: Buffer, open: number): number {
  let from = open + 1;
  for (;;) {
    const close = bytes.indexOf(quote, from);
    if (close < 0) return bytes.length;
    let escapes = 0;
    while (bytes[close - 1 - escapes] === backslash) escapes++;
    if (escapes % 2 === 0) return close + 1;
    from = close + 1;
  }
}

function valueEndAt(bytes: Buffer, start: number): number {
  const first = bytes[start];
  if (first === quote) return stringEnd(bytes, start);
  if (!isOpen(first)) {
    let i = start;
    while (i < bytes.length && bytes[i] !== 0x2c && !isClose(bytes[i]) && !isJsonSpace(bytes[i])) i++;
    return i;
  }
  let depth = 0;
  for (let i = start; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === quote) i = stringEnd(bytes, i) - 1;
    else if (isOpen(byte)) depth++;
    else if (isClose(byte) && --depth === 0) return i + 1;
  }
  return bytes.length;
}

/** A key as JSON.parse reads it: `"stream\u005foptions"` is the key stream_options too. */
function keyOf(bytes: Buffer, start: number, end: number): string {
  const raw = bytes.subarray(start, end);
  return raw.includes(backslash)
    ? (JSON.parse(raw.toString("utf8")) as string)
    : raw.toString("utf8", 1, raw.length - 1);
}
