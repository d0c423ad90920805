import { repoRoot } from "./processes.js";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface HotSpot {
  readonly function: string;
  readonly location: string;
  /** For native code, which has no location: the nearest JavaScript caller, where most of its time came from. */
  readonly caller: string;
  readonly selfMs: number;
  /** Share of the busy (non-idle) time in the load window. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly server: string;
  readonly scenario: string;
  readonly requests: number;
  /** User + system CPU of the process over the window, from /proc, profiler included. */
  readonly cpuMs: number;
  readonly windowMs: number;
  readonly busyMs: number;
  readonly top: HotSpot[];
  /** Self time grouped by where the code lives: node internals, each package, each proxy folder. */
  readonly byArea: { readonly area: string; readonly share: number; readonly usPerRequest: number }[];
}

function locationOf(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, "").replace(repoRoot, "");
  return url === "" ? "" : `${url}:${frame.lineNumber + 1}`;
}

const vmStates = new Set(["(garbage collector)", "(program)", "(idle)", "(root)"]);

function areaOf(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, "").replace(repoRoot, "");
  if (url === "") return vmStates.has(frame.functionName) ? frame.functionName : "native (C++ bindings)";
  if (url.startsWith("node:")) return "node internals";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1] as string;
  const own = /^dist\/([^/]+)\//.exec(url);
  return own === null ? url : `proxy: src/${own[1]}`;
}

/** Self time per sample: V8 stamps each sample with the delta since the previous one. */
function selfTimes(profile: CpuProfile, from: number, to: number): Map<number, number> {
  const self = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < from || at > to) continue;
    const id = profile.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + delta);
  }
  return self;
}

/** The nearest ancestor with a source location, named as function (location). */
function callerOf(id: number, nodes: Map<number, ProfileNode>, parents: Map<number, number>): string {
  for (let at = parents.get(id); at !== undefined; at = parents.get(at)) {
    const frame = nodes.get(at)?.callFrame;
    if (frame !== undefined && frame.url !== "")
      return `${frame.functionName || "(anonymous)"} (${locationOf(frame)})`;
  }
  return "";
}

function parentsOf(profile: CpuProfile): Map<number, number> {
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  return parents;
}

function shares(totals: Map<string, number>, busy: number, limit: number) {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, micros]) => ({ key, micros, share: micros / busy }));
}

function add(totals: Map<string, Map<string, number>>, key: string, sub: string, micros: number): void {
  const inner = totals.get(key) ?? new Map<string, number>();
  inner.set(sub, (inner.get(sub) ?? 0) + micros);
  totals.set(key, inner);
}

/** Self time by function (name + file + line) and by area, over samples within [from, to] µs. */
export function hotSpots(
  run: { server: string; scenario: string; requests: number; cpuMs: number },
  profile: CpuProfile,
  from: number,
  to: number,
): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = parentsOf(profile);
  const byFunction = new Map<string, number>();
  const callers = new Map<string, Map<string, number>>();
  const byArea = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of selfTimes(profile, from, to)) {
    const frame = (nodes.get(id) as ProfileNode).callFrame;
    if (frame.functionName === "(idle)") continue;
    busy += micros;
    const key = `${frame.functionName || "(anonymous)"}\t${locationOf(frame)}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    byArea.set(areaOf(frame), (byArea.get(areaOf(frame)) ?? 0) + micros);
    if (frame.url === "" && !vmStates.has(frame.functionName))
      add(callers, key, callerOf(id, nodes, parents), micros);
  }
  return {
    ...run,
    windowMs: (to - from) / 1000,
    busyMs: busy / 1000,
    top: shares(byFunction, busy, 15).map(({ key, micros, share }) => {
      const [fn = "", location = ""] = key.split("\t");
      const caller = shares(callers.get(key) ?? new Map(), 1, 1)[0]?.key ?? "";
      return { function: fn, location, caller, selfMs: micros / 1000, share };
    }),
    byArea: shares(byArea, busy, 30).map(({ key, share }) => ({
      area: key,
      share,
      // The sampled share of the measured CPU time: sampling is on a wall clock, CPU time is not.
      usPerRequest: (share * run.cpuMs * 1000) / Math.max(1, run.requests),
    })),
  };
}
