import { describe, expect, it } from "vitest";
import { cleanValue, createValueLabeler, overflowValue } from "../../src/attribution/value-labeler.js";

describe("cleanValue", () => {
  it("keeps an ordinary value as it is", () => {
    expect(cleanValue("search-team")).toBe("search-team");
    expect(cleanValue("équipe 北京")).toBe("équipe 北京");
  });

  it("removes control characters (C0, DEL, C1)", () => {
    expect(cleanValue("a\nb\r\tc\u0000d\u007fe\u0085f")).toBe("abcdef");
  });

  it("cuts to 64 characters, never between the halves of a surrogate pair", () => {
    expect(cleanValue("x".repeat(100))).toBe("x".repeat(64));
    const emoji = "😀";
    const cut = cleanValue(`${"x".repeat(63)}${emoji}`);
    expect(cut).toBe("x".repeat(63));
    expect(Buffer.from(cut, "utf8").toString("utf8")).toBe(cut);
    expect(cleanValue(`${"x".repeat(62)}${emoji}`)).toBe(`${"x".repeat(62)}${emoji}`);
  });

  it("cuts after removing control characters", () => {
    expect(cleanValue(`${"\n".repeat(10)}${"y".repeat(64)}`)).toBe("y".repeat(64));
  });
});

describe("createValueLabeler", () => {
  it("admits the first maxValues distinct values for good, then answers other and counts it", () => {
    let overflows = 0;
    const labelOf = createValueLabeler({ maxValues: 2, onOverflow: () => overflows++ });
    expect(["a", "b", "c", "a", "d", "b"].map(labelOf)).toEqual([
      "a",
      "b",
      overflowValue,
      "a",
      overflowValue,
      "b",
    ]);
    expect(overflows).toBe(2);
  });

  it("takes no place for the empty value or for other itself", () => {
    let overflows = 0;
    const labelOf = createValueLabeler({ maxValues: 1, onOverflow: () => overflows++ });
    expect(["", overflowValue, "", "x", overflowValue, "y"].map(labelOf)).toEqual([
      "",
      overflowValue,
      "",
      "x",
      overflowValue,
      overflowValue,
    ]);
    expect(overflows).toBe(1);
  });

  it("gives 10,000 random values at most maxValues + 1 labels, and counts every overflowed request", () => {
    let overflows = 0;
    const labelOf = createValueLabeler({ maxValues: 100, onOverflow: () => overflows++ });
    const values = Array.from({ length: 10_000 }, () => Math.random().toString(36).slice(2));
    const labels = values.map(labelOf);
    const distinct = new Set(labels);
    expect(distinct.size).toBeLessThanOrEqual(101);
    expect(distinct.has(overflowValue)).toBe(true);
    expect(overflows).toBe(labels.filter((label) => label === overflowValue).length);
    expect(labels.slice(0, 100)).toEqual(values.slice(0, 100));
  });

  it("with a cap of 0 counts every non-empty value as other", () => {
    const labelOf = createValueLabeler({ maxValues: 0, onOverflow: () => undefined });
    expect(["a", ""].map(labelOf)).toEqual([overflowValue, ""]);
  });
});
