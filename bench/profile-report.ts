import type { ProfileSummary } from "./profile-summary.js";
import { table } from "./report.js";

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

function profileSection(profile: ProfileSummary): string {
  const hot = table([
    ["#", "function", "location (native: its JS caller)", "self ms", "share of busy"],
    ...profile.top.map((spot, i) => [
      String(i + 1),
      spot.function,
      spot.location || (spot.caller === "" ? "" : `← ${spot.caller}`),
      spot.selfMs.toFixed(0),
      percent(spot.share),
    ]),
  ]);
  const areas = table([["area", "share of busy"], ...profile.byArea.map((a) => [a.area, percent(a.share)])]);
  return [
    `### ${profile.scenario}: ${profile.busyMs.toFixed(0)} ms busy in a ${profile.windowMs.toFixed(0)} ms window`,
    "",
    hot,
    "",
    areas,
    "",
  ].join("\n");
}

/** Self time: where the CPU was when sampled, not counting the functions it had called. */
export function profileMarkdown(profiles: readonly ProfileSummary[], command: string): string {
  return [
    `CPU profiles of the proxy (\`node --cpu-prof\`, 1 worker, LOG_LEVEL=info) under 32-connection load, from \`${command}\`; only samples within the load window are counted; self time.`,
    "",
    ...profiles.map(profileSection),
  ].join("\n");
}
