import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { transcriptNames } from "../helpers/fixtures.js";

// The replay suites name each transcript they replay; a transcript added to the shared fixtures
// without a hand-calculated case makes this fail.
const here = new URL("./", import.meta.url);
const suites = readdirSync(here)
  .filter((file) => /^fixture-replay-.*\.test\.ts$/.test(file) && !file.includes("coverage"))
  .map((file) => readFileSync(new URL(file, here), "utf8"));

describe("fixture replay coverage", () => {
  it("finds the transcripts", () => {
    expect(transcriptNames().length).toBeGreaterThanOrEqual(43);
  });

  it.each(transcriptNames())("%s is replayed with a hand calculation", (name) => {
    expect(suites.some((source) => source.includes(`name: "${name}"`))).toBe(true);
  });
});
