import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type BufferedDestination, createBufferedDestination } from "../../src/logging/buffered-stdout.js";
import { createAccessLog, createLogger } from "../../src/logging/logger.js";
import { accessRecord as record } from "../helpers/access-record.js";
import { waitFor } from "../helpers/raw-http.js";

const folders: string[] = [];
const destinations: BufferedDestination[] = [];

afterEach(() => {
  for (const destination of destinations.splice(0)) destination.destroy();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A logger writing through the buffered destination into a file, and the lines that file holds. */
function bufferedLog() {
  const folder = mkdtempSync(join(tmpdir(), "buffered-log-"));
  folders.push(folder);
  const path = join(folder, "log.jsonl");
  const destination = createBufferedDestination(path);
  destinations.push(destination);
  const logger = createLogger("info", destination);
  const lines = (): Record<string, unknown>[] =>
    readFileSync(path, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { destination, logger, accessLog: createAccessLog(logger), lines };
}

describe("the buffered destination", () => {
  it("keeps access lines in the order they were logged among other lines, each with its own time", async () => {
    const { destination, logger, accessLog, lines } = bufferedLog();
    await new Promise((resolve) => destination.once("ready", resolve));
    const before = Date.now();
    accessLog(record("first"));
    logger.warn("between");
    accessLog(record("second"));
    accessLog(record("third"));
    destination.flushSync();
    const written = lines();
    expect(written.map((line) => line.requestId ?? line.msg)).toEqual([
      "first",
      "between",
      "second",
      "third",
    ]);
    for (const line of written) {
      expect(line.time).toBeGreaterThanOrEqual(before);
      expect(line.time).toBeLessThanOrEqual(Date.now());
    }
  });

  it("writes held access lines by itself when nothing else is logged", async () => {
    const { destination, accessLog, lines } = bufferedLog();
    await new Promise((resolve) => destination.once("ready", resolve));
    accessLog(record("alone"));
    expect(lines()).toEqual([]);
    await waitFor(() => lines().length === 1, { what: "the timer's flush" });
    expect(lines()[0]).toMatchObject({ msg: "request", requestId: "alone", status: 200 });
  });

  it("writes every one of many access lines, in order", async () => {
    const { destination, accessLog, lines } = bufferedLog();
    await new Promise((resolve) => destination.once("ready", resolve));
    const count = 1000;
    for (let i = 0; i < count; i++) accessLog(record(`r${i}`));
    await waitFor(() => lines().length === count, { what: "every line" });
    expect(lines().map((line) => line.requestId)).toEqual(Array.from({ length: count }, (_, i) => `r${i}`));
  });

  it("writes held lines when it is ended, and its timer stops quietly once it is destroyed", async () => {
    const { destination, accessLog, lines } = bufferedLog();
    await new Promise((resolve) => destination.once("ready", resolve));
    accessLog(record("before-end"));
    destination.end();
    await new Promise((resolve) => destination.once("close", resolve));
    expect(lines().map((line) => line.requestId)).toEqual(["before-end"]);
    const other = bufferedLog();
    await new Promise((resolve) => other.destination.once("ready", resolve));
    other.accessLog(record("held"));
    other.destination.destroy();
    // The timer's next tick finds the destination destroyed: it must stop, not throw from the interval.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(other.lines()).toEqual([]);
  });

  it("writes every held line when the process exits right after logging", () => {
    // 40 records: two batches formatted and some held, none of it written before the exit.
    const out = execFileSync(process.execPath, ["--import", "tsx", "test/helpers/exit-log.ts", "40"], {
      encoding: "utf8",
    });
    const ids = out
      .split("\n")
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { requestId?: string }).requestId);
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => `exit-${i}`));
  });
});
