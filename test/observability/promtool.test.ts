import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { listFiles, repoRoot, requireBinary } from "./tools.js";

// https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/
function promtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(requireBinary("promtool", "PROMTOOL"), args, {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe("promtool", () => {
  it("accepts prometheus/prometheus.yml and the rule files it loads", () => {
    const { status, output } = promtool("check", "config", "prometheus/prometheus.yml");
    expect(status, output).toBe(0);
  });

  it("accepts every rule file", () => {
    const files = listFiles("prometheus/rules", ".yml");
    expect(files.length).toBeGreaterThan(0);
    const { status, output } = promtool("check", "rules", ...files);
    expect(status, output).toBe(0);
  });

  it("passes every rule unit test", () => {
    const files = listFiles("prometheus/tests", ".yml");
    expect(files.length).toBeGreaterThan(0);
    const { status, output } = promtool("test", "rules", ...files);
    expect(status, output).toBe(0);
  });
});
