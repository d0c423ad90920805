import { readFileSync } from "node:fs";
import { cpus, loadavg, release } from "node:os";

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly kernel: string;
  readonly loadAverage: string;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return match?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
  } catch {
    return cpus()[0]?.model ?? "unknown";
  }
}

export function describeMachine(): Machine {
  return {
    cpus: cpus().length,
    cpuModel: cpuModel(),
    node: process.version,
    kernel: release(),
    loadAverage: loadavg()
      .map((v) => v.toFixed(2))
      .join(" "),
  };
}
