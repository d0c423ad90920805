import { describe, expect, it } from "vitest";
import { EventFramer } from "../../src/stream/event-framer.js";

/** A framer that collects the events it frames. */
function collectingFramer(): { framer: EventFramer; events: Buffer[] } {
  const events: Buffer[] = [];
  const target = { onRawEvent: (raw: Buffer) => events.push(raw), onLongEventBytes: () => undefined };
  return { framer: new EventFramer(target), events };
}

const chunkSize = 64 * 1024;

/** Frames `bytes` pushed in 64 KiB chunks; returns the events and the least CPU time of a few runs. */
function frameTimed(bytes: Buffer): { events: Buffer[]; cpuMs: number } {
  let best = Number.POSITIVE_INFINITY;
  let events: Buffer[] = [];
  for (let run = 0; run < 3; run++) {
    const { framer, events: out } = collectingFramer();
    const started = process.cpuUsage();
    for (let at = 0; at < bytes.length; at += chunkSize) framer.push(bytes.subarray(at, at + chunkSize));
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000);
    events = out;
  }
  return { events, cpuMs: best };
}

function event(size: number): Buffer {
  const bytes = Buffer.alloc(size, 0x61);
  bytes.write("data: ");
  bytes.write("\n\n", size - 2);
  return bytes;
}

describe("event framer cost", () => {
  it("frames one 32 MiB event in time linear in its bytes, like the same bytes as 512 events", () => {
    const size = 32 * 1024 * 1024;
    const one = frameTimed(event(size));
    const many = frameTimed(Buffer.concat(Array.from({ length: size / chunkSize }, () => event(chunkSize))));
    expect(one.events).toHaveLength(1);
    expect(one.events[0]?.equals(event(size))).toBe(true);
    expect(many.events).toHaveLength(size / chunkSize);
    // Linear framing measured 3-8× (the one event is joined once, 32 MiB of copying); joining the pending
    // bytes with every chunk, as the framer once did, measured hundreds of times the many-events cost.
    expect(one.cpuMs).toBeLessThan(25 * Math.max(many.cpuMs, 2));
  }, 60_000);

  it("finds a blank line split across chunks, in every framing, at every split of its bytes", () => {
    for (const blank of ["\n\n", "\r\n\r\n", "\r\r", "\n\r\n", "\r\n\n"]) {
      const stream = Buffer.from(`data: first${blank}data: second${blank}`);
      const expected = [`data: first${blank}`, `data: second${blank}`];
      for (let a = 0; a <= stream.length; a++) {
        for (let b = a; b <= stream.length; b++) {
          const { framer, events } = collectingFramer();
          for (const part of [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)])
            framer.push(part);
          const rest = framer.flush();
          if (rest !== undefined) events.push(rest);
          expect(
            events.map((e) => e.toString()),
            `${JSON.stringify(blank)} split at ${a}, ${b}`,
          ).toEqual(expected);
        }
      }
    }
  });
});

describe("event framer, an event longer than it holds", () => {
  /** Frames `chunks` holding at most `max` bytes; records whole events and long-event bytes apart. */
  function frameLong(chunks: Buffer[], max: number) {
    const events: string[] = [];
    const long: { bytes: Buffer[]; ends: number[] } = { bytes: [], ends: [] };
    const framer = new EventFramer(
      {
        onRawEvent: (raw) => events.push(raw.toString()),
        onLongEventBytes: (bytes, last, length) => {
          long.bytes.push(bytes);
          if (last) long.ends.push(length);
        },
      },
      max,
    );
    for (const chunk of chunks) framer.push(chunk);
    const rest = framer.flush();
    if (rest !== undefined) events.push(rest.toString());
    return { events, longBytes: Buffer.concat(long.bytes).toString(), ends: long.ends };
  }

  it("passes its bytes on as they come, finds its end at every split, and frames what follows", () => {
    const longEvent = `data: ${"x".repeat(40)}\r\n\r\n`;
    const stream = Buffer.from(`data: a\r\n\r\n${longEvent}data: b\r\n\r\n`);
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b += 3) {
        const run = frameLong([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)], 16);
        // Found whole within one chunk, the event is framed as any other: only held bytes are limited.
        const whole = run.events.includes(longEvent);
        const others = run.events.filter((event) => event !== longEvent);
        expect(others, `split at ${a}, ${b}`).toEqual(["data: a\r\n\r\n", "data: b\r\n\r\n"]);
        expect(run.longBytes, `split at ${a}, ${b}`).toBe(whole ? "" : longEvent);
        expect(run.ends).toEqual(whole ? [] : [longEvent.length]);
      }
    }
  });

  it("holds none of it: an event that never ends is passed on and ended at the stream's end", () => {
    const chunks = Array.from({ length: 100 }, () => Buffer.from("data: more"));
    const run = frameLong(chunks, 64);
    expect(run.events).toEqual([]);
    expect(run.longBytes).toBe("data: more".repeat(100));
    expect(run.ends).toEqual([1000]);
  });
});
