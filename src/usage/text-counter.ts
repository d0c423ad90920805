import type { TextCounter } from "./generated-output.js";

// gpt-tokenizer merges each word of its pre-split in time quadratic in the word's length, and a run
// without spaces is one word: counted whole, 65,536 × "a" takes 2.8 s and 65,536 × "é" 7.9 s of the event
// loop (`npm run bench:tokenizer`, bench/README.md). Pieces of at most this many characters keep the cost
// linear; each cut is before a space where there is one, so ordinary text counts exactly as it does whole.
const maxPieceChars = 512;
// Linear is still ~1.2 µs per character on the worst text (unique letter runs): past this many characters
// in one estimate, the rest is counted at the rate measured so far (≤ 0.3 s for any input).
const exactBudgetChars = 256 * 1024;

/** A counter for one estimate: exact up to its budget, in bounded pieces, then extrapolated. */
export function createTextCounter(encode: TextCounter, budgetChars = exactBudgetChars): TextCounter {
  let countedChars = 0;
  let countedTokens = 0;
  return function countText(text) {
    if (text === "") return 0;
    const exact = cutAt(text, Math.max(0, budgetChars - countedChars));
    const tokens = exact === 0 ? 0 : countInPieces(encode, text.slice(0, exact));
    countedChars += exact;
    countedTokens += tokens;
    if (exact === text.length) return tokens;
    const rate = countedChars === 0 ? 0 : countedTokens / countedChars;
    return tokens + Math.round((text.length - exact) * rate);
  };
}

/** Counts `text` as whole, in pieces of at most maxPieceChars characters. */
export function countInPieces(encode: TextCounter, text: string): number {
  let tokens = 0;
  let from = 0;
  while (text.length - from > maxPieceChars) {
    const end = pieceEnd(text, from);
    tokens += encode(text.slice(from, end));
    from = end;
  }
  return tokens + encode(text.slice(from));
}

/**
 * Where a piece starting at `from` ends: before the last word that starts with a space in its second half
 * (the tokenizer's pre-split takes a word with its leading space and leaves the whitespace before it whole,
 * so no token spans that cut), else at the limit, never inside a surrogate pair.
 */
function pieceEnd(text: string, from: number): number {
  const limit = from + maxPieceChars;
  for (let at = limit; at > from + maxPieceChars / 2; at--) {
    if (text.charCodeAt(at) === 0x20 && text.charCodeAt(at + 1) > 0x20) return at;
  }
  return cutAt(text, limit);
}

/** `at`, or one before it when `at` would split a surrogate pair; `text.length` at most. */
function cutAt(text: string, at: number): number {
  if (at >= text.length) return text.length;
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff && at > 0 ? at - 1 : at;
}
