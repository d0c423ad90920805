import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeBody } from "../../src/proxy/decode-body.js";
import type { BodyHandlers, UpstreamBody } from "../../src/proxy/upstream-exchange.js";

/** An upstream body that records whether the decoder paused it, and is fed by the test. */
function fakeUpstream() {
  let handlers: BodyHandlers | undefined;
  const state = { paused: false, pauses: 0, destroyed: false, pushed: 0 };
  const body: UpstreamBody = {
    read: (given) => {
      handlers = given;
    },
    pause: () => {
      state.paused = true;
      state.pauses++;
    },
    resume: () => {
      state.paused = false;
    },
    destroy: () => {
      state.destroyed = true;
    },
  };
  /** Sends `bytes` in pieces, as undici would: never while paused. */
  async function feed(bytes: Buffer, pieceBytes: number): Promise<void> {
    for (let at = 0; at < bytes.length; at += pieceBytes) {
      while (state.paused) await new Promise((resolve) => setTimeout(resolve, 5));
      const piece = bytes.subarray(at, at + pieceBytes);
      state.pushed += piece.length;
      handlers?.data(piece);
    }
    handlers?.end();
  }
  return { body, state, feed, fail: (err: Error) => handlers?.error(err) };
}

function reader() {
  const chunks: Buffer[] = [];
  let settle: (outcome: string) => void = () => undefined;
  const done = new Promise<string>((resolve) => {
    settle = resolve;
  });
  const handlers: BodyHandlers = {
    data: (chunk) => chunks.push(chunk),
    end: () => settle("end"),
    error: (err) => settle(`error ${err.message}`),
  };
  return { chunks, done, handlers, bytes: () => chunks.reduce((n, c) => n + c.length, 0) };
}

const gzip = { "content-encoding": "gzip" };

describe("decodeBody", () => {
  it("holds the upstream back while its reader is paused, then decodes every byte", async () => {
    const original = Buffer.from(randomBytes(3 * 1024 * 1024).toString("base64"));
    const compressed = gzipSync(original);
    const upstream = fakeUpstream();
    const decoded = decodeBody(upstream.body, gzip);
    const read = reader();
    decoded.read(read.handlers);
    decoded.pause();
    const feeding = upstream.feed(compressed, 16 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(upstream.state.paused).toBe(true);
    expect(read.bytes()).toBe(0);
    expect(upstream.state.pushed).toBeLessThan(compressed.length / 4);
    decoded.resume();
    await feeding;
    expect(await read.done).toBe("end");
    expect(Buffer.concat(read.chunks).equals(original)).toBe(true);
  });

  it("fails once, and stops the upstream, when the bytes are not what the encoding says", async () => {
    const upstream = fakeUpstream();
    const decoded = decodeBody(upstream.body, gzip);
    const read = reader();
    decoded.read(read.handlers);
    await upstream.feed(Buffer.from("not gzip at all, just text"), 8);
    expect(await read.done).toMatch(/^error /);
    expect(upstream.state.destroyed).toBe(true);
  });

  it("passes an upstream failure on once", async () => {
    const upstream = fakeUpstream();
    const decoded = decodeBody(upstream.body, gzip);
    const read = reader();
    decoded.read(read.handlers);
    upstream.fail(new Error("socket hang up"));
    expect(await read.done).toBe("error socket hang up");
  });

  it("is the upstream body itself for an encoding it does not decode", () => {
    const upstream = fakeUpstream();
    expect(decodeBody(upstream.body, { "content-encoding": "identity" })).toBe(upstream.body);
  });
});
