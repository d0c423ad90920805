import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { countInPieces, createTextCounter } from "../../src/usage/text-counter.js";

const requireHere = createRequire(import.meta.url);
type Encoder = { countTokens(text: string, options?: { disallowedSpecial: Set<string> }): number };
const encoders: Record<string, Encoder> = {
  o200k_base: requireHere("gpt-tokenizer/encoding/o200k_base"),
  cl100k_base: requireHere("gpt-tokenizer/encoding/cl100k_base"),
};
const plain = { disallowedSpecial: new Set<string>() };

/** Ordinary text of every kind the tokenizer splits differently, well past one piece. */
const ordinary = [
  "The quick brown fox jumps over the lazy dog. ",
  "Il était une fois, dans un château très ancien… ",
  "東京は日本の首都です。 ",
  "function add(a, b) {\n  return a + b; // sum\n}\n\n",
  "Emoji 😀🎉 and numbers 1234567 and URLs https://example.com/a/b?c=d. ",
  "    indented   spaces\t\ttabs\r\n",
  "<|endoftext|> is plain text here. ",
].join("");
const ordinaryText = ordinary.repeat(80);

/** Records every piece an encoder is asked to count, counting one token per character. */
function spyEncoder(): { pieces: string[]; encode: (text: string) => number } {
  const pieces: string[] = [];
  const encode = (text: string) => {
    pieces.push(text);
    return text.length;
  };
  return { pieces, encode };
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

describe("countInPieces", () => {
  it.each(Object.keys(encoders))("counts ordinary text exactly as counting it whole does (%s)", (name) => {
    const encoder = encoders[name] as Encoder;
    const encode = (text: string) => encoder.countTokens(text, plain);
    expect(ordinaryText.length).toBeGreaterThan(20_000);
    expect(countInPieces(encode, ordinaryText)).toBe(encode(ordinaryText));
  });

  const hostile: Record<string, string> = {
    'one run of "a"': "a".repeat(20_000),
    "one run of spaces": " ".repeat(20_000),
    "emoji without spaces": "😀".repeat(10_000),
    "an emoji astride every cut": `x${"😀".repeat(10_000)}`,
    "punctuation and newlines": `!${"\n/".repeat(10_000)}`,
    "ordinary text": ordinaryText,
  };

  it.each(Object.entries(hostile))("hands the encoder short whole pieces of %s", (_, text) => {
    const { pieces, encode } = spyEncoder();
    expect(countInPieces(encode, text)).toBe(text.length);
    expect(pieces.join("")).toBe(text);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(512);
      expect(isLow(piece.charCodeAt(0)), "a piece starts inside a surrogate pair").toBe(false);
      expect(isHigh(piece.charCodeAt(piece.length - 1)), "a piece ends inside a surrogate pair").toBe(false);
    }
  });
});

describe("createTextCounter", () => {
  it("counts exactly up to its budget and the rest at the rate measured so far", () => {
    const { pieces, encode } = spyEncoder();
    // One token per character that is not a space: half a token a character on "a a a …".
    const words = (text: string) => encode(text) - text.split(" ").length + 1;
    const count = createTextCounter(words, 1_000);
    expect(count("")).toBe(0);
    expect(count("a ".repeat(300))).toBe(300);
    // 400 characters left in the budget (200 tokens), 200 more at 0.5 a character.
    expect(count("b ".repeat(300))).toBe(300);
    expect(count("c".repeat(4_000))).toBe(2_000);
    expect(pieces.join("").length).toBe(1_000);
  });

  it("does not cut a surrogate pair at the budget's edge", () => {
    const { pieces, encode } = spyEncoder();
    const count = createTextCounter(encode, 3);
    expect(count("ab😀cd")).toBe(6);
    expect(pieces).toEqual(["ab"]);
  });
});
