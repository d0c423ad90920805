import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../helpers/model-name-heap.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

interface HeapReport {
  readonly statuses: Record<string, number>;
  readonly heapMb: { readonly before: number; readonly after: number };
}

/** The measurement runs in a process of its own, so that nothing else in this one moves its heap. */
async function measure(count: number, mebibytes: number, mode = ""): Promise<HeapReport> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--expose-gc", "--import", "tsx", script, String(count), String(mebibytes), mode],
    { cwd: repoRoot, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as HeapReport;
}

describe("memory a request's model name leaves behind", () => {
  it("40 distinct 2 MiB model names (half answered 404, half priced) leave the heap within 10 MB", async () => {
    const report = await measure(40, 2);
    expect(report.statuses).toEqual({ "200": 20, "404": 20 });
    // 80 MiB of names went through; before names were cut and copied, the heap grew by 81 MB here.
    expect(report.heapMb.after - report.heapMb.before).toBeLessThan(10);
  }, 120_000);

  it("with tracing on, spans waiting for export keep 256-character copies, not the names", async () => {
    const report = await measure(40, 2, "tracing");
    expect(report.statuses).toEqual({ "200": 20, "404": 20 });
    // Sliced span attributes held 82 MB of the 80 MiB of names here.
    expect(report.heapMb.after - report.heapMb.before).toBeLessThan(10);
  }, 120_000);
});
