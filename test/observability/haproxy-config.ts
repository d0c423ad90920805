import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, requireBinary } from "./tools.js";

export const haproxyConfigPath = "haproxy/haproxy.cfg";

/** One section of an HAProxy configuration: `backend proxies` and its directive lines, comments dropped. */
export interface Section {
  readonly kind: string;
  readonly name: string;
  readonly lines: readonly string[];
}

// https://docs.haproxy.org/3.2/configuration.html#2.1 (a section keyword starts a line; # starts a comment)
const sectionKeywords = new Set(["global", "defaults", "frontend", "backend", "listen", "resolvers"]);

export function readHaproxyConfig(): string {
  return readFileSync(join(repoRoot, haproxyConfigPath), "utf8");
}

export function parseSections(text: string): Section[] {
  const sections: { kind: string; name: string; lines: string[] }[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") continue;
    const [keyword = "", name = ""] = line.split(/\s+/);
    if (sectionKeywords.has(keyword) && !/^\s/.test(raw)) sections.push({ kind: keyword, name, lines: [] });
    else sections.at(-1)?.lines.push(line);
  }
  return sections;
}

export function section(sections: readonly Section[], kind: string, name = ""): Section {
  const found = sections.find((each) => each.kind === kind && each.name === name);
  if (found === undefined) throw new Error(`${haproxyConfigPath} has no ${kind} ${name}`);
  return found;
}

/** The words of the one directive of `section` that starts with `keyword` (e.g. "timeout client"). */
export function directive(of: Section, keyword: string): string[] {
  const matches = of.lines.filter((line) => line === keyword || line.startsWith(`${keyword} `));
  if (matches.length !== 1) throw new Error(`${of.kind} ${of.name}: ${matches.length} "${keyword}" lines`);
  return (matches[0] as string).slice(keyword.length).trim().split(/\s+/);
}

/** HAProxy durations: a number with an optional unit, milliseconds without one. */
export function durationSeconds(value: string): number {
  const match = /^(\d+)(us|ms|s|m|h|d)?$/.exec(value);
  if (match === null) throw new Error(`not an HAProxy duration: ${value}`);
  const scale = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] ?? "ms"] ?? 1;
  return Number(match[1]) * scale;
}

/** `haproxy -c`: Debian's HAProxy checks the file (and warns) without starting. */
export function checkHaproxyConfig(path: string): { status: number | null; output: string } {
  const result = spawnSync(requireBinary("haproxy", "HAPROXY", "haproxy"), ["-c", "-f", path], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 30_000,
  });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}
