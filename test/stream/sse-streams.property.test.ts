import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chatExtractor } from "../../src/usage/chat.js";
import type { Usage } from "../../src/usage/types.js";
import { observeChunks } from "../helpers/fixtures.js";
import { runPipeline, stripAll } from "../helpers/stream-helpers.js";

/** Text that exercises the decoder: ASCII, 2- and 3-byte characters, emoji (4 bytes), escapes. */
const content = fc.oneof(
  { weight: 20, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 5, arbitrary: fc.constantFrom("é", "日本語", "🙂", "👩‍👩‍👧", "a\nb", 'q"uote', "back\\slash") },
  { weight: 1, arbitrary: fc.constant("ü🙂".repeat(6_700)) },
);

const toolDelta = fc
  .record({ name: fc.constantFrom("get_weather", "search"), args: content })
  .map(({ name, args }) => ({
    tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name, arguments: args } }],
  }));

const delta = fc.oneof({ weight: 4, arbitrary: content.map((text) => ({ content: text })) }, toolDelta);

interface UsageSent {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly prompt_tokens_details: { readonly cached_tokens: number };
}

const usageArb: fc.Arbitrary<UsageSent> = fc.record({
  prompt_tokens: fc.nat({ max: 100_000 }),
  completion_tokens: fc.nat({ max: 100_000 }),
  prompt_tokens_details: fc.record({ cached_tokens: fc.nat({ max: 100 }) }),
});

const chunkData = (d: unknown): string =>
  JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", choices: [{ index: 0, delta: d }] });

/** A chunk as the upstream sends it when include_usage was asked for: `"usage":null` first or last. */
const withUsageNull = (data: string, first: boolean): string =>
  first ? `{"usage":null,${data.slice(1)}` : `${data.slice(0, -1)},"usage":null}`;

/** The data of each event: content and tool deltas, optionally the usage chunk, then [DONE]. */
const streamArb = fc.record({
  deltas: fc.array(delta, { maxLength: 12 }),
  usage: fc.option(usageArb, { nil: undefined }),
  framing: fc.record({
    eol: fc.constantFrom("\n", "\r\n"),
    space: fc.boolean(),
    ending: fc.constantFrom("blank line", "line end", "nothing"),
    comments: fc.boolean(),
  }),
});

type Framing = { eol: string; space: boolean; ending: string; comments: boolean };

/** How the last event ends: a stream may stop after its last line, or even before that line's end. */
const endings: Record<string, (eol: string) => string> = {
  "blank line": (eol) => eol + eol,
  "line end": (eol) => eol,
  nothing: () => "",
};

function frame(events: readonly string[], { eol, space, ending, comments }: Framing): Buffer {
  const prefix = space ? "data: " : "data:";
  const parts = events.map((data, i) => {
    const comment = comments && i % 3 === 0 ? `: keep-alive${eol}` : "";
    const end = i === events.length - 1 ? (endings[ending] as (eol: string) => string)(eol) : eol + eol;
    return `${comment}${prefix}${data}${end}`;
  });
  return Buffer.from(parts.join(""), "utf8");
}

/** Cut points anywhere, and right after every CR and every lead byte of a multi-byte character. */
function chunksOf(bytes: Buffer, cuts: readonly number[], cutTricky: boolean): Buffer[] {
  const points = new Set(cuts.map((f) => Math.floor(f * bytes.length)));
  if (cutTricky) {
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      if (byte === 0x0d || byte >= 0xc0) points.add(i + 1);
    }
  }
  const sorted = [...points].filter((p) => p > 0 && p < bytes.length).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...sorted, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

const cutsArb = fc.record({
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
  cutTricky: fc.boolean(),
});

/** A block of zeros is a placeholder, not a bill, and reads as no usage (src/usage/read-usage.ts). */
const expectedUsage = (usage: UsageSent): Usage | undefined =>
  usage.prompt_tokens === 0 && usage.completion_tokens === 0
    ? undefined
    : {
        promptTokens: usage.prompt_tokens,
        completionTokens: usage.completion_tokens,
        cachedTokens: Math.min(usage.prompt_tokens_details.cached_tokens, usage.prompt_tokens),
        reasoningTokens: 0,
      };

describe("the stream pipeline, on random streams split at random boundaries", () => {
  it("shows the observer exactly the events sent, filtered or not, and reads the usage sent", () => {
    fc.assert(
      fc.property(
        streamArb,
        cutsArb,
        fc.boolean(),
        ({ deltas, usage, framing }, { cuts, cutTricky }, filterUsage) => {
          const events = deltas.map(chunkData);
          if (usage !== undefined) events.push(JSON.stringify({ id: "chatcmpl-1", choices: [], usage }));
          events.push("[DONE]");
          const chunks = chunksOf(frame(events, framing), cuts, cutTricky);
          expect(runPipeline(chunks, filterUsage).events.map((event) => event.data)).toEqual(events);
          const observed = observeChunks(chatExtractor, chunks, filterUsage);
          expect(observed.usage).toEqual(usage === undefined ? undefined : expectedUsage(usage));
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);
});

const noComments = (framing: Framing): Framing => ({ ...framing, comments: false });

describe("the usage filter, on random streams split at random boundaries", () => {
  it("turns the stream asked with include_usage into the stream generated without it", () => {
    fc.assert(
      fc.property(
        streamArb,
        usageArb,
        fc.boolean(),
        cutsArb,
        ({ deltas, framing }, usage, usageFirst, { cuts, cutTricky }) => {
          const plain = deltas.map(chunkData);
          const asked = plain.map((data) => withUsageNull(data, usageFirst));
          asked.push(JSON.stringify({ id: "chatcmpl-1", choices: [], usage }));
          const expected = frame([...plain, "[DONE]"], noComments(framing));
          const sent = frame([...asked, "[DONE]"], noComments(framing));
          const stripped = stripAll(chunksOf(sent, cuts, cutTricky));
          expect(stripped.toString("utf8")).not.toContain('"usage"');
          expect(stripped.equals(expected)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);

  it("passes a stream that needs no stripping byte for byte", () => {
    fc.assert(
      fc.property(streamArb, cutsArb, ({ deltas, framing }, { cuts, cutTricky }) => {
        const sent = frame([...deltas.map(chunkData), "[DONE]"], framing);
        expect(stripAll(chunksOf(sent, cuts, cutTricky)).equals(sent)).toBe(true);
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});
