import { describe, expect, it } from "vitest";
import { createModelLabeler } from "../../src/metrics/model-labels.js";

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
