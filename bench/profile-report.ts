import type { ProfileSummary } from "./profile-summary.js";
import { table } from "./report.js";

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;
const perRequest = (p: ProfileSummary): number => (p.cpuMs * 1000) / Math.max(1, p.requests);

function hotTable(profile: ProfileSummary): string {
  return table([
    ["#", "function", "location (native: its JS caller)", "self ms", "share of busy"],
    ...profile.top.map((spot, i) => [
      String(i + 1),
      spot.function,
      spot.location || (spot.caller === "" ? "" : `← ${spot.caller}`),
      spot.selfMs.toFixed(0),
      percent(spot.share),
    ]),
  ]);
}

/** Where the proxy's extra CPU per request goes: each area's µs per request, beside bare's. */
function areaTable(proxy: ProfileSummary, bare: ProfileSummary | undefined): string {
  const bareOf = (area: string) => bare?.byArea.find((a) => a.area === area)?.usPerRequest ?? 0;
  const rows = proxy.byArea
    .filter((a) => a.share >= 0.005)
    .map((a) => [a.area, a.usPerRequest.toFixed(1), bareOf(a.area).toFixed(1), percent(a.share)]);
  return table([["area", "proxy µs/request", "bare µs/request", "share of proxy busy"], ...rows]);
}

function section(proxy: ProfileSummary, bare: ProfileSummary | undefined): string {
  const bareLine = bare === undefined ? "" : `; bare pass-through ${perRequest(bare).toFixed(0)} µs`;
  return [
    `### ${proxy.scenario}: CPU per request under the profiler: proxy ${perRequest(proxy).toFixed(0)} µs (${proxy.requests} requests in ${proxy.windowMs.toFixed(0)} ms)${bareLine}`,
    "",
    hotTable(proxy),
    "",
    areaTable(proxy, bare),
    "",
  ].join("\n");
}

/** Self time: where the CPU was when sampled, not counting the functions it had called. */
export function profileMarkdown(profiles: readonly ProfileSummary[], command: string): string {
  const proxies = profiles.filter((p) => p.server === "proxy");
  return [
    `CPU profiles (\`node --cpu-prof\`) of the proxy (1 worker, LOG_LEVEL=info) and of the bare pass-through, each alone under 32-connection load, from \`${command}\`; only samples within the load window count; self time. An area's µs per request is its share of the samples times the process's CPU time over the window (from /proc). Profiling slows a process, so these µs are for comparing areas, not the published CPU figures.`,
    "",
    ...proxies.map((p) =>
      section(
        p,
        profiles.find((b) => b.server === "bare" && b.scenario === p.scenario),
      ),
    ),
  ].join("\n");
}
