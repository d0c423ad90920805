import type { LoadSample } from "./rounds.js";
import { median } from "./stats.js";
import { pairedRatios } from "./summary.js";
import type { TargetName } from "./targets.js";

export interface Comparison {
  readonly name: string;
  /** Median over rounds of the per-round ratio. */
  readonly ratio: number;
  readonly min: number;
  readonly max: number;
}

const pairs: readonly [string, TargetName, TargetName, "cpuMsPerRequest" | "rps"][] = [
  ["requests/s at 32 conns, WORKERS=auto ÷ 1 worker", "proxy-auto", "proxy", "rps"],
  ["requests/s at 32 conns, proxy ÷ bare", "proxy", "bare", "rps"],
  ["CPU per request, LOG_LEVEL=warn ÷ info", "proxy-warn", "proxy", "cpuMsPerRequest"],
  ["CPU per request, WORKERS=auto ÷ 1 worker", "proxy-auto", "proxy", "cpuMsPerRequest"],
];

/** Figures the issue asks to see side by side, without a target of their own. */
export function compare(load: readonly LoadSample[]): Comparison[] {
  return ["non-stream", "stream-20"].flatMap((scenario) =>
    pairs.map(([name, a, b, field]) => {
      const ratios = pairedRatios(load, scenario, a, b, field);
      return {
        name: `${name}, ${scenario}`,
        ratio: median(ratios),
        min: Math.min(...ratios),
        max: Math.max(...ratios),
      };
    }),
  );
}
