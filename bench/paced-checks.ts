import type { Check } from "./check.js";
import type { PacedSample, PacedTarget } from "./paced.js";

const find = (samples: readonly PacedSample[], target: PacedTarget, streams: number) =>
  samples.find((s) => s.target === target && s.streams === streams);

/** The client-seen p99 gap between two chunks of a stream, minus the upstream's own. */
export const addedGapMs = (s: PacedSample): number => s.clientGapP99Ms - s.upstreamGapP99Ms;

/** CPU per chunk at the most streams over its value at 100 streams (how cost grows with open streams). */
export function growth(samples: readonly PacedSample[], target: PacedTarget): number | undefined {
  const most = Math.max(...samples.map((s) => s.streams));
  const at100 = find(samples, target, 100);
  const atMost = find(samples, target, most);
  return at100 === undefined || atMost === undefined || most <= 100
    ? undefined
    : atMost.cpuUsPerChunk / at100.cpuUsPerChunk;
}

function rssCheck(samples: readonly PacedSample[], streams: number): Check[] {
  const proxy = find(samples, "proxy", streams);
  const bare = find(samples, "bare", streams);
  if (proxy === undefined || bare === undefined) return [];
  const ratio = proxy.rssPerStreamKiB / bare.rssPerStreamKiB;
  return [
    {
      name: `Paced: RSS per open stream, ${streams} streams`,
      limit: "≤ 1.3× bare",
      measured: `${ratio.toFixed(2)}× (proxy ${proxy.rssPerStreamKiB.toFixed(1)} KiB, bare ${bare.rssPerStreamKiB.toFixed(1)} KiB)`,
      met: ratio <= 1.3,
    },
  ];
}

function gapCheck(samples: readonly PacedSample[], streams: number): Check[] {
  const proxy = find(samples, "proxy", streams);
  const bare = find(samples, "bare", streams);
  if (proxy === undefined || bare === undefined) return [];
  const over = addedGapMs(proxy) - addedGapMs(bare);
  return [
    {
      name: `Paced: client-seen chunk gap p99 over the upstream's, ${streams} streams`,
      limit: "within 2 ms of bare's",
      measured: `${over >= 0 ? "+" : ""}${over.toFixed(1)} ms (proxy +${addedGapMs(proxy).toFixed(1)} ms, bare +${addedGapMs(bare).toFixed(1)} ms)`,
      met: over <= 2,
    },
  ];
}

/** The paced scenario's targets: memory per stream, cost that stays flat, and no added jitter. */
export function pacedChecks(samples: readonly PacedSample[]): Check[] {
  const counts = [...new Set(samples.map((s) => s.streams))];
  const factor = growth(samples, "proxy");
  const most = Math.max(...counts);
  const flat: Check[] =
    factor === undefined
      ? []
      : [
          {
            name: `Paced: CPU per chunk at ${most} streams ÷ at 100, proxy`,
            limit: "≤ 1.2×",
            measured: `${factor.toFixed(2)}× (bare ${growth(samples, "bare")?.toFixed(2)}×)`,
            met: factor <= 1.2,
          },
        ];
  return [
    ...counts.filter((n) => n >= 1000).flatMap((n) => rssCheck(samples, n)),
    ...flat,
    ...counts.flatMap((n) => gapCheck(samples, n)),
  ];
}
