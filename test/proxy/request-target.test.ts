import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { climbsOut } from "../../src/proxy/request-target.js";

describe("climbsOut", () => {
  it.each([
    "/v1/../admin",
    "/v1/./models",
    "/v1/models/..",
    "/v1/..%2fadmin",
    "/v1/..%2Fadmin",
    "/v1/%2e%2e%2fadmin",
    "/v1/%2E%2e%2Fadmin",
    "/v1/.%2e/admin",
    "/v1/..%5cadmin",
    "/v1/..\\admin",
    "/v1/..;/admin",
    "/v1/..;jsessionid=x/admin",
    "/v1/%252e%252e%252fadmin",
    "/v1/%25252e%25252e/admin",
    "/v1/%u002e%u002e/admin",
    "/v1/%c0%ae%c0%ae/admin",
    "/v1/%c0%af../admin",
    "/v1/models/%2e",
  ])("%s climbs out", (path) => {
    expect(climbsOut(path)).toBe(true);
  });

  it.each([
    "/v1/chat/completions",
    "/v1/files/file-abc.jsonl",
    "/v1/models/meta-llama%2FLlama-3.1-8B",
    "/v1/models/ft:gpt-4o-mini:org::abc",
    "/v1/files/%E2%9C%93.txt",
    "/v1/a...b/..c/c..",
    "/v1/%2e%2e%2e",
    "/v1/x;y=1",
  ])("%s stays where it is", (path) => {
    expect(climbsOut(path)).toBe(false);
  });

  it("finds `..` under any mix of case and percent-encoding of its characters and the slash (property)", () => {
    const encodings = (char: string) => {
      const hex = char.charCodeAt(0).toString(16);
      return fc.constantFrom(char, `%${hex}`, `%${hex.toUpperCase()}`, `%25${hex}`, `%u00${hex}`);
    };
    const slash = fc.constantFrom("/", "\\", "%2f", "%2F", "%5c", "%5C", "%252f", ";x/");
    fc.assert(
      fc.property(encodings("."), encodings("."), slash, fc.webSegment(), (a, b, s, tail) => {
        expect(climbsOut(`/v1/${a}${b}${s}${tail}`)).toBe(true);
      }),
    );
  });
});
