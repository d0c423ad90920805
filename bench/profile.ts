import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLoad, type Scenario } from "./load.js";
import { startProxy } from "./processes.js";
import { hotSpots, type ProfileSummary } from "./profile-summary.js";

export type { ProfileSummary };

/** Monotonic µs: the clock V8 stamps its profile with on Linux, so load windows can be cut exactly. */
const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * A separate proxy under `node --cpu-prof`, so that profiling never slows the measured rounds; only the
 * samples taken while the load ran are summarised (start-up and shutdown are cut off).
 */
export async function profileProxy(
  upstream: string,
  scenario: Scenario,
  seconds: number,
  connections: number,
): Promise<ProfileSummary> {
  const dir = mkdtempSync(join(tmpdir(), "llm-proxy-prof-"));
  const proxy = await startProxy({
    upstream,
    logLevel: "info",
    workers: "1",
    nodeArgs: ["--cpu-prof", "--cpu-prof-dir", dir],
  });
  await runLoad(proxy.origin, scenario, connections, 1);
  const from = monotonicMicros();
  await runLoad(proxy.origin, scenario, connections, seconds);
  const to = monotonicMicros();
  await proxy.stop();
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (file === undefined) throw new Error(`no .cpuprofile written in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
  rmSync(dir, { recursive: true, force: true });
  return hotSpots(scenario.name, profile, from, to);
}
