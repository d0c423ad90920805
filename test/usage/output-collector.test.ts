import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { createOutputCollector } from "../../src/usage/output-collector.js";
import { countInPieces } from "../../src/usage/text-counter.js";
import { estimateCompletionTokens } from "../../src/usage/tokenizer.js";

const count = (text: string) => estimateCompletionTokens("gpt-4o-mini", text);
const o200k: { countTokens(text: string): number } = createRequire(import.meta.url)(
  "gpt-tokenizer/encoding/o200k_base",
);
/** The whole text's exact count: an estimate of this much text is extrapolated past its budget. */
const exactCount = (text: string) => countInPieces((piece) => o200k.countTokens(piece), text);
const words = ["the", "proxy", "counts", "tokens,", "naïve", "日本語", "🙂", "42", "\n\n", "  ", "ok."];

/** A long generated text, as deltas of a few characters the way a model streams them. */
function deltas(total: number): string[] {
  const out: string[] = [];
  for (let i = 0, size = 0; size < total; i++) {
    const delta = `${i % 7 === 0 ? "" : " "}${words[(i * 5) % words.length]}`;
    out.push(delta);
    size += delta.length;
  }
  return out;
}

describe("output collector", () => {
  it("keeps a bounded tail of a long stream and counts the rest as it passes, to the whole text's count", () => {
    const pieces = deltas(1_000_000);
    const collector = createOutputCollector(count);
    for (const piece of pieces) collector.addText(0, piece);
    const [message] = collector.output();
    expect(message?.text.length).toBeLessThan(2 * 16 * 1024);
    const estimated = (message?.countedTokens ?? 0) + count(message?.text ?? "");
    expect(estimated).toBe(exactCount(pieces.join("")));
  });

  it("bounds long tool-call arguments, and the number of choices and calls it tracks", () => {
    const collector = createOutputCollector((text) => text.length);
    for (let i = 0; i < 10_000; i++) collector.addToolCall(0, 0, i === 0 ? "search" : "", '"arg", ');
    for (let choice = 0; choice < 1000; choice++) collector.addText(choice, "x");
    for (let index = 0; index < 1000; index++) collector.addToolCall(1, index, "f", "{}");
    const output = collector.output();
    expect(output).toHaveLength(129);
    expect(output[0]?.toolCalls[0]?.name).toBe("search");
    expect(output[0]?.toolCalls[0]?.arguments.length).toBeLessThan(2 * 16 * 1024);
    expect((output[0]?.countedTokens ?? 0) + (output[0]?.toolCalls[0]?.arguments.length ?? 0)).toBe(70_000);
    expect(output[1]?.toolCalls).toHaveLength(129);
  });
});
