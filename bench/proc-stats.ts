import { readFileSync, writeFileSync } from "node:fs";

// Linux's USER_HZ; /proc reports CPU time in these ticks (sysconf(_SC_CLK_TCK), 100 on every
// mainstream architecture).
const ticksPerSecond = 100;

/** The process and, for a cluster primary, its workers: what one proxy instance costs. */
export function processTree(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return [pid, ...(children === "" ? [] : children.split(/\s+/).map(Number))];
  } catch {
    return [pid];
  }
}

/** User + system CPU seconds of one process, from /proc/<pid>/stat (fields 14 and 15). */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces, so fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

export function cpuSeconds(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
}

function statusField(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(
      readFileSync(`/proc/${pid}/status`, "utf8"),
    );
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/** Resets VmHWM to the current RSS (Linux clear_refs 5), so that the next peak is this phase's own. */
export function resetPeak(pids: readonly number[]): boolean {
  try {
    for (const pid of pids) writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Peak resident set, in bytes, summed over the processes (VmHWM since the last reset). */
export function peakRss(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + statusField(pid, "VmHWM"), 0);
}

/** Resident set now, in bytes, summed over the processes (VmRSS). */
export function currentRss(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + statusField(pid, "VmRSS"), 0);
}
