import { describe, expect, it } from "vitest";
import { createModelLabeler } from "../../src/metrics/model-labels.js";
import { detachedPrefix } from "../../src/pricing/model-name.js";

const known = new Set(["gpt-4o", "gpt-4o-mini"]);

describe("createModelLabeler", () => {
  it("keeps known models, the first N unknown names, then folds the rest into other", () => {
    const label = createModelLabeler({ isKnown: (m) => known.has(m), maxModelLabels: 2 });
    expect(label("x1")).toBe("x1");
    expect(label("x2")).toBe("x2");
    expect(label("x3")).toBe("other");
    expect(label("gpt-4o")).toBe("gpt-4o");
    expect(label("x1")).toBe("x1");
    expect(label(undefined)).toBe("unknown");
  });

  it("bounds 10,000 random names", () => {
    const label = createModelLabeler({ isKnown: (m) => known.has(m), maxModelLabels: 50 });
    const labels = new Set<string>();
    for (let i = 0; i < 10_000; i++) labels.add(label(`model-${Math.random()}`));
    labels.add(label("gpt-4o-mini"));
    expect(labels.size).toBe(52);
  });

  it("cuts very long names", () => {
    const label = createModelLabeler({ isKnown: () => false, maxModelLabels: 5 });
    expect(label("m".repeat(1000))).toHaveLength(100);
  });
});

describe("detachedPrefix", () => {
  it("copies the first characters, never half a surrogate pair, every code unit as it was", () => {
    expect(detachedPrefix("abcdef", 3)).toBe("abc");
    expect(detachedPrefix("ab", 3)).toBe("ab");
    expect(detachedPrefix("ab\u{1F600}cd", 3)).toBe("ab");
    expect(detachedPrefix("ab\u{1F600}cd", 4)).toBe("ab\u{1F600}");
    expect(detachedPrefix("a\ud800", 5)).toBe("a\ud800");
  });

  it("labels a name by its first 100 characters: names that share them share one label and one place", () => {
    const label = createModelLabeler({ isKnown: () => false, maxModelLabels: 2 });
    const prefix = "p".repeat(100);
    expect(label(`${prefix}-one`)).toBe(prefix);
    expect(label(`${prefix}-two`)).toBe(prefix);
    expect(label("short")).toBe("short");
    expect(label("another")).toBe("other");
  });
});
