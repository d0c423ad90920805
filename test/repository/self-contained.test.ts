import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

// A clone of the repository, with nothing beside it, must pass its own tests: no file that runs may
// name a path that leaves the repository (the recorded transcripts live in test/fixtures/openai).
const root = resolve(import.meta.dirname, "../..");
const scanned = ["src", "test", "bench", "grafana", "prometheus", ".ci", "deploy"];
const sourceFile = /\.(?:[cm]?[jt]s|json|ya?ml|sh)$|^run$/;
const skipped = new Set(["node_modules", "dist", "fixtures"]);

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return skipped.has(name) ? [] : filesUnder(path);
    return sourceFile.test(name) ? [path] : [];
  });
}

// The development checkout keeps the transcripts' source in a folder beside the repository; spelt in
// pieces so that this file does not name it itself.
const sharedDir = ["..", "shared"].join("/");

// A quoted relative path: "../x", './a/../../b', `../../${name}`.
const relativePath = /["'`]((?:\.{1,2}\/)+[^"'`\s]*)["'`]/g;

// bench/ runs compiled, from dist/bench/ (bench/tsconfig.json), so its paths resolve from there.
const runsFrom = (file: string): string =>
  file.startsWith(join(root, "bench") + sep) ? join(root, "dist/bench") : dirname(file);

/** Every quoted relative path in `text` that, resolved from where `file` runs, lands outside the root. */
function pathsLeavingRoot(file: string, text: string): string[] {
  const escapes = [...text.matchAll(relativePath)]
    .map((match) => match[1] as string)
    .filter((path) => !isInside(resolve(runsFrom(file), path)));
  const namesShared = text.includes(sharedDir) ? [sharedDir] : [];
  return [...new Set([...escapes, ...namesShared])];
}

const isInside = (path: string): boolean => {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== "..");
};

describe("the repository stands on its own", () => {
  const files = scanned.flatMap((dir) => filesUnder(join(root, dir)));

  it("scans the folders that run", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain(join(root, "test/helpers/fixtures.ts"));
  });

  it("names no path outside the repository in any source, test, bench, config or CI file", () => {
    // This file spells escapes on purpose, in the cases that prove the check.
    const offenders = files
      .filter((file) => file !== join(root, "test/repository/self-contained.test.ts"))
      .flatMap((file) =>
        pathsLeavingRoot(file, readFileSync(file, "utf8")).map((path) => `${relative(root, file)}: ${path}`),
      );
    expect(offenders).toEqual([]);
  });

  it("catches a climb above the root and a name of the folder beside it", () => {
    const helper = join(root, "test/helpers/example.ts");
    expect(pathsLeavingRoot(helper, `new URL("../../${sharedDir}/fixtures/", import.meta.url)`)).toContain(
      `../../${sharedDir}/fixtures/`,
    );
    expect(pathsLeavingRoot(helper, 'resolve(here, "../../../outside")')).toEqual(["../../../outside"]);
    expect(pathsLeavingRoot(helper, `read('${sharedDir}/x')`)).toContain(sharedDir);
    expect(pathsLeavingRoot(helper, 'import { x } from "../../src/app.js"')).toEqual([]);
    expect(pathsLeavingRoot(helper, 'new URL("../fixtures/openai/", import.meta.url)')).toEqual([]);
  });

  it("keeps its own copy of the recorded transcripts with their provenance", () => {
    const fixtures = readdirSync(join(root, "test/fixtures/openai"));
    expect(fixtures).toContain("PROVENANCE.md");
    expect(fixtures.filter((name) => name.endsWith(".json")).length).toBeGreaterThanOrEqual(43);
  });
});
