import type { IncomingHttpHeaders } from "node:http";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { callerLabelNames, createAttributor } from "../../src/attribution/attributor.js";
import type { RequestBody } from "../../src/attribution/request-values.js";
import { anonymousAttribution, createCallers } from "../../src/metrics/caller-series.js";
import { createMetricDefinitions } from "../../src/metrics/definitions.js";

function attributorWith(keysConfigured: boolean, labels: string[], maxValues = 100) {
  const names = callerLabelNames(keysConfigured, labels);
  const definitions = createMetricDefinitions({ registry: new Registry(), callerLabels: names });
  const overflows: string[] = [];
  const attributor = createAttributor({
    keysConfigured,
    labels,
    maxValues,
    callers: createCallers(definitions, names),
    anonymous: anonymousAttribution(definitions),
    onOverflow: (label) => overflows.push(label),
  });
  const labelsOf = (key: string, headers: IncomingHttpHeaders, body?: RequestBody) =>
    attributor.resolve(key, headers, body).caller.labels;
  return { attributor, overflows, labelsOf };
}

describe("createAttributor", () => {
  it("without keys or labels, gives every request the one anonymous caller with no labels", () => {
    const { attributor } = attributorWith(false, []);
    const first = attributor.resolve("", { "x-llm-team": "a" }, { metadata: { team: "b" } });
    expect(first).toBe(attributor.unidentified);
    expect(first.caller.labels).toEqual({});
    expect(first.logged).toBeUndefined();
  });

  it("with keys only, labels the key's name, and none when unidentified", () => {
    const { attributor, labelsOf } = attributorWith(true, []);
    expect(labelsOf("search", {})).toEqual({ key: "search" });
    expect(attributor.unidentified.caller.labels).toEqual({ key: "none" });
    expect(attributor.unidentified.logged).toEqual({ key: "none" });
  });

  it("takes a header first, then metadata", () => {
    const { labelsOf } = attributorWith(false, ["team"]);
    const body = { metadata: { team: "from-metadata" } };
    expect(labelsOf("", { "x-llm-team": "from-header" }, body)).toEqual({ team: "from-header" });
    expect(labelsOf("", {}, body)).toEqual({ team: "from-metadata" });
    expect(labelsOf("", {}, { metadata: { team: 42 } })).toEqual({ team: "" });
    expect(labelsOf("", {}, undefined)).toEqual({ team: "" });
  });

  it("reads a name with underscores from its dashed header too", () => {
    const { labelsOf } = attributorWith(false, ["cost_center"]);
    expect(labelsOf("", { "x-llm-cost_center": "a" })).toEqual({ cost_center: "a" });
    expect(labelsOf("", { "x-llm-cost-center": "b" })).toEqual({ cost_center: "b" });
  });

  it("for user, falls back to the body's user, then safety_identifier", () => {
    const { labelsOf } = attributorWith(false, ["user"]);
    const all = { metadata: { user: "m" }, user: "u", safety_identifier: "s" };
    expect(labelsOf("", { "x-llm-user": "h" }, all)).toEqual({ user: "h" });
    expect(labelsOf("", {}, all)).toEqual({ user: "m" });
    expect(labelsOf("", {}, { user: "u", safety_identifier: "s" })).toEqual({ user: "u" });
    expect(labelsOf("", {}, { safety_identifier: "s" })).toEqual({ user: "s" });
  });

  it("does not read user or safety_identifier for another name", () => {
    const { labelsOf } = attributorWith(false, ["team"]);
    expect(labelsOf("", {}, { user: "u", safety_identifier: "s" })).toEqual({ team: "" });
  });

  it("cleans values, caps each label on its own and counts the overflow by label", () => {
    const { labelsOf, overflows, attributor } = attributorWith(true, ["team", "app"], 1);
    expect(labelsOf("k", { "x-llm-team": "a\nb", "x-llm-app": "x" })).toEqual({
      key: "k",
      team: "ab",
      app: "x",
    });
    expect(labelsOf("k", { "x-llm-team": "c", "x-llm-app": "x" })).toEqual({
      key: "k",
      team: "other",
      app: "x",
    });
    expect(overflows).toEqual(["team"]);
    const logged = attributor.resolve("k", { "x-llm-team": "c" }, undefined).logged;
    expect(logged).toEqual({ key: "k", team: "c" });
  });

  it("returns the same caller, with its children, for the same labels", () => {
    const { attributor } = attributorWith(true, ["team"]);
    const a = attributor.resolve("k", { "x-llm-team": "t" }, undefined).caller;
    const b = attributor.resolve("k", {}, { metadata: { team: "t" } }).caller;
    expect(b).toBe(a);
    expect(b.seriesFor("gpt-4o")).toBe(a.seriesFor("gpt-4o"));
  });

  it("takes no place under the cap for unidentified requests", () => {
    const { attributor, labelsOf } = attributorWith(true, ["team"], 1);
    expect(attributor.unidentified.caller.labels).toEqual({ key: "none", team: "" });
    expect(labelsOf("k", { "x-llm-team": "first" })).toEqual({ key: "k", team: "first" });
  });
});
