import type { Child } from "./processes.js";
import { startBare, startProxy } from "./processes.js";

/** direct: the simulator itself, the baseline that added latency is measured against. */
export type TargetName = "direct" | "bare" | "proxy" | "proxy-warn" | "proxy-auto";

export interface Target {
  readonly name: TargetName;
  readonly child: Child;
}

/** Every server under test, each in front of the one shared simulator. */
export async function startTargets(simulator: Child): Promise<Target[]> {
  const upstream = simulator.origin;
  return [
    { name: "direct", child: simulator },
    { name: "bare", child: await startBare(upstream) },
    { name: "proxy", child: await startProxy({ upstream, logLevel: "info", workers: "1" }) },
    { name: "proxy-warn", child: await startProxy({ upstream, logLevel: "warn", workers: "1" }) },
    { name: "proxy-auto", child: await startProxy({ upstream, logLevel: "info", workers: "auto" }) },
  ];
}

export async function stopTargets(targets: readonly Target[]): Promise<void> {
  for (const target of targets) if (target.name !== "direct") await target.child.stop();
}

/** Which targets each phase measures: 1-connection timing needs the baseline, CPU needs a proxy. */
export const phaseTargets = {
  latency: ["direct", "bare", "proxy", "proxy-warn"],
  ttfb: ["direct", "bare", "proxy", "proxy-warn"],
  load: ["direct", "bare", "proxy", "proxy-warn", "proxy-auto"],
} as const satisfies Record<string, readonly TargetName[]>;
