import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parse, stringify } from "yaml";
import { freePort, listFiles, repoRoot, requireBinary } from "./tools.js";

/** A real Prometheus on a loopback port, loading the project's own configuration and rule files. */
export interface RunningPrometheus {
  readonly url: string;
  query(expr: string): Promise<QueryResult>;
  /** The label names of the series `match` selects: https://prometheus.io/docs/prometheus/latest/querying/api/#getting-label-names */
  labelNames(match: string): Promise<string[]>;
  stop(): Promise<void>;
}

export interface QueryResult {
  readonly status: string;
  readonly error?: string;
  readonly data?: { readonly result: readonly { metric: Record<string, string>; value: [number, string] }[] };
}

interface ScrapeConfig {
  job_name: string;
  [key: string]: unknown;
}

interface PrometheusConfig {
  global?: Record<string, unknown>;
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}

interface RuleFile {
  groups: { interval?: string; [key: string]: unknown }[];
}

/**
 * The rule files with every group at the global 1s: a group's own interval (the budgets' 5m) would
 * leave its records empty for minutes. Only that those records are filled and queryable is tested
 * here; their values, which depend on the interval, are promtool's to test (prometheus/tests).
 */
function copyRules(dir: string): string {
  const rulesDir = join(dir, "rules");
  mkdirSync(rulesDir);
  for (const file of listFiles("prometheus/rules", ".yml")) {
    const rules = parse(readFileSync(join(repoRoot, file), "utf8")) as RuleFile;
    const groups = rules.groups.map(({ interval: _interval, ...group }) => group);
    writeFileSync(join(rulesDir, basename(file)), stringify({ ...rules, groups }));
  }
  return rulesDir;
}

/**
 * prometheus/prometheus.yml with only the llm-proxy job, aimed at `targets`, and everything at 1s so a
 * test sees scrapes and rule evaluations within seconds. Rule globs point at `rulesDir`.
 */
function testConfig(targets: readonly string[], rulesDir: string): string {
  const config = parse(readFileSync(join(repoRoot, "prometheus/prometheus.yml"), "utf8")) as PrometheusConfig;
  const job = config.scrape_configs.find((each) => each.job_name === "llm-proxy");
  if (job === undefined) throw new Error("prometheus/prometheus.yml has no llm-proxy job");
  const { dns_sd_configs: _dns, static_configs: _static, ...rest } = job;
  return stringify({
    ...config,
    global: { ...config.global, scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
    rule_files: config.rule_files.map((glob) => join(rulesDir, basename(glob))),
    scrape_configs: [{ ...rest, scrape_interval: "1s", static_configs: [{ targets: [...targets] }] }],
  });
}

async function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export interface PrometheusOptions {
  /** More command-line flags, e.g. --enable-feature=exemplar-storage. */
  readonly flags?: readonly string[];
}

/** Prometheus scraping `targets` (host:port) as replicas of the llm-proxy job. */
export async function startPrometheus(
  targets: readonly string[],
  options: PrometheusOptions = {},
): Promise<RunningPrometheus> {
  const binary = requireBinary("prometheus", "PROMETHEUS");
  const dir = mkdtempSync(join(tmpdir(), "llm-proxy-prometheus-"));
  writeFileSync(join(dir, "prometheus.yml"), testConfig(targets, copyRules(dir)));
  const url = `http://127.0.0.1:${await freePort()}`;
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=${url.slice("http://".length)}`,
      "--log.level=warn",
      ...(options.flags ?? []),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const stop = async () => {
    child.kill("SIGTERM");
    if (!(await exited(child, 5000))) child.kill("SIGKILL");
    await exited(child, 5000);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus did not become ready:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    stop,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: expr }),
      });
      return (await response.json()) as QueryResult;
    },
    async labelNames(match) {
      const response = await fetch(`${url}/api/v1/labels?${new URLSearchParams({ "match[]": match })}`);
      return ((await response.json()) as { data?: string[] }).data ?? [];
    },
  };
}
