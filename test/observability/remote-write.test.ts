import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { repoRoot, requireBinary } from "./tools.js";

interface PrometheusConfig {
  rule_files: string[];
  remote_write?: { url: string; write_relabel_configs?: Record<string, unknown>[] }[];
}

const text = readFileSync(join(repoRoot, "prometheus/prometheus.yml"), "utf8");
const marker = "# remote_write:\n";

/** prometheus.yml with the commented remote_write example switched on, as a reader would do it. */
function withExample(source: string): string {
  const at = source.indexOf(marker);
  if (at === -1) throw new Error("prometheus/prometheus.yml has no commented remote_write example");
  const example = source
    .slice(at)
    .split("\n")
    .map((line) => (line.startsWith("# ") ? line.slice(2) : line === "#" ? "" : line));
  return source.slice(0, at) + example.join("\n");
}

describe("the remote_write example in prometheus/prometheus.yml", () => {
  const dir = mkdtempSync(join(tmpdir(), "llm-proxy-remote-write-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const enabled = parse(withExample(text)) as PrometheusConfig;

  it("is commented out: compose's Prometheus writes nowhere by default", () => {
    expect((parse(text) as PrometheusConfig).remote_write).toBeUndefined();
  });

  it("sends the proxy's series only, and passes promtool check config once uncommented", () => {
    const [target, ...others] = enabled.remote_write ?? [];
    expect(others).toEqual([]);
    expect(target?.url).toMatch(/^https:\/\//);
    expect(target?.write_relabel_configs).toEqual([
      { source_labels: ["job"], regex: "llm-proxy", action: "keep" },
    ]);
    // The file moves: its rule globs become absolute.
    const file = join(dir, "prometheus.yml");
    const config = {
      ...enabled,
      rule_files: enabled.rule_files.map((glob) => join(repoRoot, "prometheus", glob)),
    };
    writeFileSync(file, stringify(config));
    const result = spawnSync(requireBinary("promtool", "PROMTOOL"), ["check", "config", file], {
      encoding: "utf8",
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  });
});
