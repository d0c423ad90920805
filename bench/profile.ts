import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLoad, type Scenario } from "./load.js";
import { cpuSeconds } from "./proc-stats.js";
import { type Child, startBare, startProxy } from "./processes.js";
import { hotSpots, type ProfileSummary } from "./profile-summary.js";

export type { ProfileSummary };

/** Monotonic µs: the clock V8 stamps its profile with on Linux, so load windows can be cut exactly. */
const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

export type ProfiledServer = "proxy" | "bare";

function start(server: ProfiledServer, upstream: string, dir: string): Promise<Child> {
  const nodeArgs = ["--cpu-prof", "--cpu-prof-dir", dir];
  if (server === "bare") return startBare(upstream, nodeArgs);
  return startProxy({ upstream, logLevel: "info", workers: "1", nodeArgs });
}

/**
 * A separate server under `node --cpu-prof`, so that profiling never slows the measured rounds; only the
 * samples taken while the load ran are summarised (start-up and shutdown are cut off). The bare
 * pass-through is profiled too, so that the proxy's extra cost per request can be told apart by area.
 * The process's CPU time over the same window comes from /proc: the profiler samples on a wall clock,
 * so on a busy machine its "busy" time includes time spent waiting for a CPU.
 */
export async function profileServer(
  server: ProfiledServer,
  upstream: string,
  scenario: Scenario,
  seconds: number,
  connections: number,
): Promise<ProfileSummary> {
  const dir = mkdtempSync(join(tmpdir(), "llm-proxy-prof-"));
  const child = await start(server, upstream, dir);
  await runLoad(child.origin, scenario, connections, 1);
  const cpuBefore = cpuSeconds([child.pid]);
  const from = monotonicMicros();
  const { completed } = await runLoad(child.origin, scenario, connections, seconds);
  const to = monotonicMicros();
  const cpuMs = (cpuSeconds([child.pid]) - cpuBefore) * 1000;
  await child.stop();
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (file === undefined) throw new Error(`no .cpuprofile written in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
  rmSync(dir, { recursive: true, force: true });
  return hotSpots({ server, scenario: scenario.name, requests: completed, cpuMs }, profile, from, to);
}
