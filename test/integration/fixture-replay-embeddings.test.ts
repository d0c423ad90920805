import { afterAll, beforeAll, describe, it } from "vitest";
import { expectFaithfulReplay, type ReplayCase } from "../helpers/replay-accounting.js";
import { type ReplayStack, startReplayStack } from "../helpers/replay-upstream.js";

let replay: ReplayStack;
beforeAll(async () => {
  replay = await startReplayStack();
});
afterAll(() => replay.close());

// Prices per million tokens: text-embedding-3-small 0.02 (input only), babbage-002 0.40 / 0.40.
const cases: ReplayCase[] = [
  // 31: float vectors with dimensions; usage has prompt_tokens and total_tokens only: 8×0.02/1e6
  {
    name: "31_embeddings_float_dimensions",
    model: "text-embedding-3-small",
    endpoint: "embeddings",
    stream: false,
    prompt: 8,
    cost: (8 * 0.02) / 1e6,
    limits: [5000, 4999, 5000000, 4999988],
  },
  // 32: base64 vectors: 9×0.02/1e6
  {
    name: "32_embeddings_base64",
    model: "text-embedding-3-small",
    endpoint: "embeddings",
    stream: false,
    prompt: 9,
    cost: (9 * 0.02) / 1e6,
    limits: [5000, 4999, 5000000, 4999987],
  },
  // 50: legacy completions, key-sorted body: (31×0.40 + 25×0.40)/1e6
  {
    name: "50_legacy_completions_nonstream_babbage",
    model: "babbage-002",
    endpoint: "completions",
    stream: false,
    prompt: 31,
    completion: 25,
    cost: (31 * 0.4 + 25 * 0.4) / 1e6,
    limits: [3000, 2999, 250000, 249977],
  },
];

describe("embeddings and legacy completions transcripts through the proxy", () => {
  it.each(cases)("$name: same bytes and headers; exact accounting", async (c) => {
    await expectFaithfulReplay(replay, c);
  });
});
