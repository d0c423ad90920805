import { pino } from "pino";
import type { RequestRecord } from "../metrics/types.js";

/** Formats one access record, logged at `time` (ms since the epoch), as its JSON line. */
export type AccessLineFormat = (time: number, record: RequestRecord) => string;

/** A destination that takes access records as they are and formats them later, in one go. */
export interface DeferredAccessLines {
  /** Returns the function that takes a record, to be written later as `format` makes its line. */
  attach(format: AccessLineFormat): (record: RequestRecord) => void;
}

/** The destinations made here, so that the access log finds out that it may defer its lines. */
const deferring = new WeakMap<object, DeferredAccessLines>();

export function deferredAccessLines(stream: unknown): DeferredAccessLines | undefined {
  return typeof stream === "object" && stream !== null ? deferring.get(stream) : undefined;
}

/** sonic-boom, which pino.destination returns. */
export type BufferedDestination = ReturnType<typeof pino.destination>;

const batchBytes = 64 * 1024;
const flushEveryMs = 250;
/**
 * Records formatted together. Added latency p50 over the bare pass-through at one connection, non-stream,
 * in paired rounds: one run gave +65 µs one line at a time, +55 in batches of 4, +50 of 8, +41 of 16,
 * +49 of 32; another +63 one at a time, +33 of 16, +35 of 64, +59 of 256 with p99 doubled (every 256th
 * request waits for the whole batch).
 */
const maxDeferredRecords = 16;

/**
 * JSON lines on a file descriptor or path (stdout in the proxy), written in batches of 64 KiB, or every
 * 250 ms when traffic is light: each write goes through libuv's thread pool and costs about 40 µs of CPU
 * whatever its size.
 *
 * sonic-boom runs in buffer mode: in its default string mode it appends each line to the pending string
 * and then measures that whole string's UTF-8 length, half of the access log's CPU (measured with
 * `node --cpu-prof` on a loop of access lines). Light traffic is flushed by a timer of our own:
 * sonic-boom's `periodicFlush` writes an empty buffer through the thread pool when nothing is pending,
 * four wake-ups a second on an idle proxy (seen with strace as `write(1, NULL, 0)`).
 *
 * Access records are kept as they are and formatted sixteen at a time: a line built right after each
 * response cost ~6 µs with the caches cold at one connection, and in batches the latency the proxy adds
 * there fell by a third (bench/README.md, "Where it stands, and why"). Any other line, a flush, the
 * timer, `end()` and the exit flush pino registers first format the records held, so lines keep their
 * order and none is lost at exit.
 */
export function createBufferedDestination(dest: number | string = 1): BufferedDestination {
  const stream = pino.destination({
    dest,
    sync: false,
    minLength: batchBytes,
    maxWrite: 2 * batchBytes,
    contentMode: "buffer",
  });
  const write = stream.write.bind(stream) as (data: string | Buffer) => boolean;
  const flush = stream.flush.bind(stream);
  const flushSync = stream.flushSync.bind(stream);
  const end = stream.end.bind(stream);
  let written = false;
  const held = new HeldRecords();
  const writeText = (text: string): boolean => {
    written = true;
    return write(Buffer.from(text));
  };
  const writeHeld = () => {
    if (held.size > 0) writeText(held.take());
  };
  stream.write = (line: string) => {
    writeHeld();
    return writeText(line);
  };
  stream.flush = (cb?: (err?: Error) => void) => {
    writeHeld();
    flush(cb);
  };
  stream.flushSync = () => {
    writeHeld();
    flushSync();
  };
  stream.end = () => {
    writeHeld();
    end();
  };
  stream.on("write", (bytes: number) => {
    if (bytes > 0) written = true;
  });
  startFlushTimer(stream, () => {
    writeHeld();
    const flushNow = written;
    written = false;
    return flushNow;
  });
  deferring.set(stream, {
    attach(format) {
      return (record) => {
        if (held.add(format, record) >= maxDeferredRecords) writeText(held.take());
      };
    },
  });
  return stream;
}

/** Flushes lines that came, or a write that completed, since the last tick; an idle proxy makes none. */
function startFlushTimer(stream: BufferedDestination, due: () => boolean): void {
  const timer = setInterval(() => {
    try {
      if (due()) stream.flush();
    } catch {
      clearInterval(timer); // destroyed (sonic-boom throws): nothing is left to write or flush
    }
  }, flushEveryMs);
  timer.unref();
}

/** Records in the order they were logged, each with its time and the format of its access log. */
class HeldRecords {
  private times: number[] = [];
  private formats: AccessLineFormat[] = [];
  private records: RequestRecord[] = [];

  get size(): number {
    return this.records.length;
  }

  /** Returns how many records are held. */
  add(format: AccessLineFormat, record: RequestRecord): number {
    this.times.push(Date.now());
    this.formats.push(format);
    return this.records.push(record);
  }

  take(): string {
    const { times, formats, records } = this;
    this.times = [];
    this.formats = [];
    this.records = [];
    let text = "";
    for (let i = 0; i < records.length; i++) {
      text += (formats[i] as AccessLineFormat)(times[i] as number, records[i] as RequestRecord);
    }
    return text;
  }
}
