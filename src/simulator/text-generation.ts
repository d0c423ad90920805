import { createHash } from "node:crypto";

/** Multibyte entries (accents, CJK, an astral-plane emoji) make clients and taps handle split UTF-8. */
const words: readonly string[] = [
  "the",
  "proxy",
  "answer",
  "simulated",
  "token",
  "stream",
  "latency",
  "metric",
  "quick",
  "model",
  "request",
  "upstream",
  "café",
  "naïve",
  "日本",
  "🚀",
  "budget",
  "cache",
  "window",
  "usage",
  "observability",
  "prompt",
  "gauge",
  "counter",
  "histogram",
  "reply",
  "simple",
  "steady",
  "bright",
  "over",
  "under",
  "with",
];

const leadingPieces: readonly string[] = words.map((word) => ` ${word}`);
const firstPieces: readonly string[] = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1));

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const hexAlphabet = "0123456789abcdef";

/** Yields uint32 values; mulberry32 is tiny, fast and good enough to pick words. */
export type Draw = () => number;

export function createDraw(seed: number): Draw {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Everything random-looking in an answer derives from this, so equal bodies give equal answers. */
export function seedOf(parts: readonly unknown[]): number {
  const digest = createHash("sha1").update(JSON.stringify(parts)).digest();
  return digest.readUInt32LE(0);
}

export function drawString(draw: Draw, length: number, alphabet: string = idAlphabet): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet.charAt(draw() % alphabet.length);
  return out;
}

export function drawHex(draw: Draw, length: number): string {
  return drawString(draw, length, hexAlphabet);
}

export function drawWord(draw: Draw): string {
  return words[draw() % words.length] ?? "token";
}

/** The default answer length: 8 to 40 pieces. */
export function drawPieceCount(draw: Draw): number {
  return 8 + (draw() % 33);
}

/** One piece stands for one token: a word with its leading space, and a closing period. */
export function drawPieces(draw: Draw, count: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < count; i++) {
    const index = draw() % words.length;
    if (i === count - 1 && count > 1) pieces.push(".");
    else pieces.push((i === 0 ? firstPieces[index] : leadingPieces[index]) ?? " token");
  }
  return pieces;
}

/** Splits by code point so that no piece ends inside a surrogate pair. */
export function splitIntoPieces(text: string, size: number): string[] {
  const points = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += size) pieces.push(points.slice(i, i + size).join(""));
  return pieces;
}
