import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  brokenLinks,
  headingAnchors,
  type LinkCheck,
  linksIn,
  llmMetricNames,
  markdownFiles,
  metricsTableNames,
  missingScripts,
} from "../helpers/markdown.js";

// The documents are how a newcomer meets the project: a link that leads nowhere or a command that does
// not exist is a bug, and so is a metric the proxy exports that the README does not list.
const root = resolve(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
const repository: LinkCheck = { exists: (path) => existsSync(join(root, path)), read };
const packageJson = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
const scripts = new Set(Object.keys(packageJson.scripts));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(?:ts|json)$/.test(entry.name) ? [path] : [];
  });
}

describe("the repository's Markdown", () => {
  const files = markdownFiles(root);

  it("finds the documents, and none of the recorded fixtures or dependencies", () => {
    expect(files).toEqual(expect.arrayContaining(["README.md", "CONTRIBUTING.md", "docs/accounting.md"]));
    expect(
      files.filter((file) => file.startsWith("test/fixtures/") || file.includes("node_modules")),
    ).toEqual([]);
  });

  it("links only to files (and headings) that exist", () => {
    const broken = files.flatMap((file) => brokenLinks(file, read(file), repository));
    expect(broken).toEqual([]);
    expect(files.flatMap((file) => linksIn(read(file))).length).toBeGreaterThan(30);
  });

  it("names only npm scripts that package.json defines", () => {
    expect(files.flatMap((file) => missingScripts(file, read(file), scripts))).toEqual([]);
  });

  it("lists every llm_* metric of src/ in the README's metrics table", () => {
    const table = metricsTableNames(read("README.md"));
    const named = new Set(sourceFiles("src").flatMap((file) => llmMetricNames(read(file))));
    const base = (name: string) => name.replace(/_(?:bucket|sum|count)$/, "");
    expect(named.size).toBeGreaterThan(10);
    expect([...named].filter((name) => !table.has(name) && !table.has(base(name)))).toEqual([]);
  });
});

describe("the Markdown checks", () => {
  const files = new Map([
    ["README.md", "# Title\n\n## Quick start\n\n## Quick start\n"],
    ["docs/a.md", "# A\n"],
    ["src/app.ts", ""],
  ]);
  const fake: LinkCheck = { exists: (path) => files.has(path), read: (path) => files.get(path) ?? "" };

  it("catches a link to a missing file, a missing heading or a path outside the repository", () => {
    const text = [
      "[ok](../README.md#quick-start) [ok](../README.md#quick-start-1) [ok](../src/app.ts) [ok](a.md)",
      "[gone](missing.md) [bad anchor](../README.md#nowhere)",
      "![image](../img/x.png) [climb](../../etc/passwd) [self](#a) [self missing](#b)",
      "[web](https://example.com/x.md) [mail](mailto:a@b.c) `[code](nowhere.md)`",
      "```",
      "[fenced](nowhere.md)",
      "```",
      "[ref]: <gone/ref.md>",
    ].join("\n");
    expect(brokenLinks("docs/guide.md", `# Guide\n\n# A\n${text}`, fake)).toEqual([
      "docs/guide.md:5: missing.md (no such file)",
      "docs/guide.md:5: ../README.md#nowhere (no such heading)",
      "docs/guide.md:6: ../img/x.png (no such file)",
      "docs/guide.md:6: ../../etc/passwd (outside the repository)",
      "docs/guide.md:6: #b (no such heading)",
      "docs/guide.md:11: gone/ref.md (no such file)",
    ]);
  });

  it("makes GitHub's anchors from headings", () => {
    const anchors = headingAnchors("# `npm run` & the CLI: 1.0\n## Failure behaviour\n## Failure behaviour");
    expect([...anchors]).toEqual(["npm-run--the-cli-10", "failure-behaviour", "failure-behaviour-1"]);
  });

  it("catches an npm run of a script that does not exist, in prose and in code blocks", () => {
    const text = "Run `npm run bench:quick`.\n```sh\nnpm run lint\nnpm run deploy -- --now\nnpm test\n```";
    expect(missingScripts("CONTRIBUTING.md", text, new Set(["bench:quick", "lint"]))).toEqual([
      "CONTRIBUTING.md:4: npm run deploy",
    ]);
  });

  it("reads the README's metrics table and the metric names in source", () => {
    const readme =
      "## Metrics\n\n| metric | type |\n| --- | --- |\n| `llm_a_total` | counter |\n\n## Next\n| `llm_b` |";
    expect([...metricsTableNames(readme)]).toEqual(["llm_a_total"]);
    expect(
      llmMetricNames('name: "llm_a_total", x: "litellm_provider", y: `llm_b_seconds`, z: "llm_c.cost"'),
    ).toEqual(["llm_a_total", "llm_b_seconds"]);
  });
});
