import { readdirSync } from "node:fs";
import { join, posix } from "node:path";

/** A link in a Markdown file: where it points, and the line it is on (for the failure message). */
export interface MarkdownLink {
  readonly target: string;
  readonly line: number;
}

// Folders whose Markdown is not the project's: dependencies, build output, recorded third-party data.
const skippedDirs = new Set(["node_modules", ".git", "dist", "coverage"]);
const skippedPaths = new Set(["test/fixtures"]);

/** Every *.md file under `root`, as paths relative to it with forward slashes, sorted. */
export function markdownFiles(root: string, dir = ""): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        return skippedDirs.has(entry.name) || skippedPaths.has(path) ? [] : markdownFiles(root, path);
      }
      return entry.name.endsWith(".md") ? [path] : [];
    })
    .sort();
}

// Fenced blocks hide their contents from link parsing, but `npm run` inside them counts: a code block is
// exactly where a reader copies a command from.
const fence = /^\s*(```|~~~)/;

/** The text with fenced code blocks and inline code spans blanked (line numbers kept). */
function proseOf(markdown: string): string {
  let inFence = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (fence.test(line)) {
        inFence = !inFence;
        return "";
      }
      return inFence ? "" : line.replace(/`+[^`]*`+/g, "``");
    })
    .join("\n");
}

// [text](target "title") and ![alt](target); a target may be wrapped in <...>.
const inlineLink = /!?\[[^\]]*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g;
// [label]: target
const referenceDefinition = /^[ \t]{0,3}\[[^\]]+\]:[ \t]*(<[^>]*>|\S+)/gm;

/** The targets of every inline link, image and reference definition outside code. */
export function linksIn(markdown: string): MarkdownLink[] {
  const prose = proseOf(markdown);
  const lineOf = (index: number) => prose.slice(0, index).split("\n").length;
  return [...prose.matchAll(inlineLink), ...prose.matchAll(referenceDefinition)]
    .map((match) => ({ target: (match[1] as string).replace(/^<|>$/g, ""), line: lineOf(match.index) }))
    .sort((a, b) => a.line - b.line);
}

const external = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** Links to files in the repository: not a URL (http, mailto, ...), not an anchor in the same file. */
function isRelative(target: string): boolean {
  return !external.test(target) && !target.startsWith("#");
}

/** A relative link resolved against the file it is in, as a path relative to the root. */
function resolveLink(file: string, target: string): { path: string; anchor: string | undefined } {
  const hash = target.indexOf("#");
  const pathPart = decodeURI(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : target.slice(hash + 1);
  const path = pathPart.startsWith("/")
    ? posix.normalize(pathPart.slice(1))
    : posix.normalize(posix.join(posix.dirname(file), pathPart));
  return { path: path.replace(/\/$/, "") || ".", anchor };
}

/**
 * GitHub's heading anchors: lower case, punctuation dropped (letters, digits, spaces, `-` and `_` kept),
 * spaces to hyphens, and `-1`, `-2`, ... on repeats. https://github.com/Flet/github-slugger
 */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (fence.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const base = slug(heading[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

export interface LinkCheck {
  readonly exists: (path: string) => boolean;
  /** The Markdown text of a file in the repository, to check an anchor into it. */
  readonly read: (path: string) => string;
}

/** The links of `file` (with `text`) that point at no file, or at no heading of a Markdown file. */
export function brokenLinks(file: string, text: string, check: LinkCheck): string[] {
  return linksIn(text).flatMap(({ target, line }) => {
    const where = `${file}:${line}: ${target}`;
    if (target.startsWith("#")) {
      return headingAnchors(text).has(target.slice(1)) ? [] : [`${where} (no such heading)`];
    }
    if (!isRelative(target)) return [];
    const { path, anchor } = resolveLink(file, target);
    if (path.startsWith("../") || path === "..") return [`${where} (outside the repository)`];
    if (!check.exists(path)) return [`${where} (no such file)`];
    if (anchor === undefined || anchor === "" || !path.endsWith(".md")) return [];
    return headingAnchors(check.read(path)).has(anchor) ? [] : [`${where} (no such heading)`];
  });
}

// `npm run name`, `npm run-script name`, `npm run name -- --flag`; names may hold `:` (bench:quick).
const npmRun = /\bnpm\s+(?:run|run-script)\s+([A-Za-z0-9:_.-]+)/g;

/** Every script named by `npm run X` anywhere in the text, code blocks included. */
function npmRunScripts(markdown: string): { script: string; line: number }[] {
  return [...markdown.matchAll(npmRun)].map((match) => ({
    script: match[1] as string,
    line: markdown.slice(0, match.index).split("\n").length,
  }));
}

/** The `npm run X` of `file` whose X is no script of package.json. */
export function missingScripts(file: string, text: string, scripts: ReadonlySet<string>): string[] {
  return npmRunScripts(text)
    .filter(({ script }) => !scripts.has(script))
    .map(({ script, line }) => `${file}:${line}: npm run ${script}`);
}

/** The metric names in the first column of the table under the `## Metrics` heading. */
export function metricsTableNames(readme: string): Set<string> {
  const section = /^## Metrics\s*$([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1] ?? "";
  const names = section
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .flatMap((line) => /^\|\s*`([a-z_:][a-z0-9_:]*)`/.exec(line)?.[1] ?? []);
  return new Set(names);
}

/**
 * `llm_*` names in source text (whole words only: `litellm_provider` is no metric, and neither is the
 * span attribute namespace `llm_proxy.`).
 */
export function llmMetricNames(source: string): string[] {
  return [...new Set(source.match(/\bllm_[a-z0-9_]*[a-z0-9]\b(?!\.)/g) ?? [])];
}
