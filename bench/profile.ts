import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLoad, type Scenario, scenarios } from "./load.js";
import { cpuSeconds } from "./proc-stats.js";
import { type Child, repoRoot, startBare, startProxy, startSimulatorProcess } from "./processes.js";
import { table } from "./report.js";

interface CpuProfile {
  readonly nodes: readonly {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Monotonic µs: the clock V8 stamps its samples with on Linux, so the load window can be cut exactly. */
const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

/** Where code lives: V8's own states, native bindings, node internals, a package, or a folder of src/. */
function areaOf(where: string, functionName: string): string {
  if (where === "") return functionName.startsWith("(") ? functionName : "native (bindings, syscalls)";
  if (where.startsWith("node:")) return "node internals";
  const own = /^dist\/([^/]+)\//.exec(where);
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1] ?? (own === null ? where : `src/${own[1]}`);
}

/** Self time per function (name and location) and per area over the samples in [from, to], idle left out. */
function selfTimes(profile: CpuProfile, from: number, to: number) {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busy = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const frame = frames.get(id);
    if (at < from || at > to || frame === undefined || frame.functionName === "(idle)") return;
    const where = frame.url.replace(/^file:\/\//, "").replace(repoRoot, "");
    const key = `${frame.functionName || "(anonymous)"}\t${where === "" ? "" : `${where}:${frame.lineNumber + 1}`}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + delta);
    const area = areaOf(where, frame.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + delta);
    busy += delta;
  });
  return { busy, byFunction, byArea };
}

interface ProfileRun {
  readonly scenario: Scenario;
  readonly seconds: number;
  readonly connections: number;
}

/** One server alone under load, under `node --cpu-prof`; the top 15 functions by self time. */
async function profile(server: "proxy" | "bare", upstream: string, run: ProfileRun) {
  const { scenario, seconds, connections } = run;
  const dir = mkdtempSync(join(tmpdir(), "llm-proxy-prof-"));
  const nodeArgs = ["--cpu-prof", "--cpu-prof-dir", dir];
  const child: Child =
    server === "bare"
      ? await startBare(upstream, nodeArgs)
      : await startProxy({ upstream, logLevel: "info", workers: "1", nodeArgs });
  await runLoad(child.origin, scenario, connections, 1);
  const cpuBefore = cpuSeconds([child.pid]);
  const from = monotonicMicros();
  const { completed } = await runLoad(child.origin, scenario, connections, seconds);
  const to = monotonicMicros();
  const cpuUsPerRequest = ((cpuSeconds([child.pid]) - cpuBefore) * 1e6) / Math.max(1, completed);
  await child.stop();
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile")) as string;
  const { busy, byFunction, byArea } = selfTimes(JSON.parse(readFileSync(join(dir, file), "utf8")), from, to);
  rmSync(dir, { recursive: true, force: true });
  const rows = [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([key, micros], i) => [String(i + 1), ...key.split("\t"), `${((100 * micros) / busy).toFixed(1)}%`]);
  // An area's µs per request: its share of the samples times the CPU time measured over the window.
  const areas = [...byArea]
    .sort((a, b) => b[1] - a[1])
    .filter(([, micros]) => micros / busy >= 0.01)
    .map(([area, micros]) => [
      area,
      `${((100 * micros) / busy).toFixed(1)}%`,
      ((micros / busy) * cpuUsPerRequest).toFixed(1),
    ]);
  return [
    `### ${server}, ${scenario.name}: ${cpuUsPerRequest.toFixed(0)} µs CPU per request under the profiler`,
    "",
    table([["#", "function", "location", "self time"], ...rows]),
    "",
    table([["area", "self time", "µs per request"], ...areas]),
    "",
  ].join("\n");
}

// `npm run bench:profile [-- stream-20|non-stream]`, BENCH_DURATION seconds of load (default 5),
// BENCH_PROFILE_CONNECTIONS (default 32; 1 is where the added-latency targets are judged).
const scenario =
  scenarios.find((s) => s.name === (process.argv[2] ?? "stream-20")) ?? (scenarios[1] as Scenario);
const seconds = Number(process.env.BENCH_DURATION ?? 5);
const connections = Math.max(1, Math.round(Number(process.env.BENCH_PROFILE_CONNECTIONS ?? 32)));
const usual = connections === 32 && scenario.name === "stream-20";
const out = usual ? "profile.md" : `profile-${scenario.name}-${connections}-connection.md`;
const simulator = await startSimulatorProcess();
try {
  const sections = [
    `CPU profiles (\`node --cpu-prof\`) from \`${connections === 32 ? "" : `BENCH_PROFILE_CONNECTIONS=${connections} `}npm run bench:profile -- ${scenario.name}\`: the proxy and the bare pass-through, each alone under ${connections}-connection load for ${seconds} s; self time (where the CPU was when sampled), as a share of the non-idle samples in the load window. Profiling slows a process: compare the rows, not these µs with \`npm run bench\`'s.`,
    "",
  ];
  for (const server of ["proxy", "bare"] as const)
    sections.push(await profile(server, simulator.origin, { scenario, seconds, connections }));
  const text = sections.join("\n");
  mkdirSync(join(repoRoot, "bench/results"), { recursive: true });
  writeFileSync(join(repoRoot, "bench/results", out), text);
  process.stdout.write(`${text}\n`);
} finally {
  await simulator.stop();
}
