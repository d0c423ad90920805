import type { Dispatcher } from "undici";
import { describe, expect, it } from "vitest";
import { type BodyHandlers, UpstreamExchange } from "../../src/proxy/upstream-exchange.js";

/** undici's controller as far as a handler sees it: pause, resume and abort are only recorded. */
function fakeController() {
  const calls: string[] = [];
  let paused = false;
  let reason: Error | null = null;
  const controller: Dispatcher.DispatchController = {
    get aborted() {
      return reason !== null;
    },
    get paused() {
      return paused;
    },
    get reason() {
      return reason;
    },
    abort(error) {
      calls.push("abort");
      reason = error;
    },
    pause() {
      calls.push("pause");
      paused = true;
    },
    resume() {
      calls.push("resume");
      paused = false;
    },
  };
  return { controller, calls };
}

/** A reader that records what it is told, as strings. */
function recorder(): { seen: string[]; handlers: BodyHandlers } {
  const seen: string[] = [];
  return {
    seen,
    handlers: {
      data: (chunk) => seen.push(chunk.toString()),
      end: () => seen.push("end"),
      error: (err) => seen.push(`error ${err.message}`),
    },
  };
}

async function started(status = 200) {
  const exchange = new UpstreamExchange();
  const { controller, calls } = fakeController();
  exchange.onRequestStart(controller);
  exchange.onResponseStart(controller, status, { "content-type": "text/plain" });
  const response = await exchange.response;
  return { exchange, controller, calls, response };
}

/** A reader that got chunk "1", then paused the body, and chunk "2" arrived meanwhile. */
async function pausedAfterOneChunk() {
  const { exchange, controller, calls, response } = await started();
  const { seen, handlers } = recorder();
  response.body.read(handlers);
  exchange.onResponseData(controller, Buffer.from("1"));
  response.body.pause();
  exchange.onResponseData(controller, Buffer.from("2"));
  return { exchange, calls, response, seen };
}

describe("UpstreamExchange", () => {
  it("answers the final head, not an informational one", async () => {
    const exchange = new UpstreamExchange();
    const { controller } = fakeController();
    exchange.onRequestStart(controller);
    exchange.onResponseStart(controller, 100, {});
    exchange.onResponseStart(controller, 429, { "retry-after": "1" });
    const response = await exchange.response;
    expect(response.statusCode).toBe(429);
    expect(response.headers).toEqual({ "retry-after": "1" });
  });

  it("holds what arrives before the reader, then hands it over as one chunk with the end", async () => {
    const { exchange, controller, response } = await started();
    exchange.onResponseData(controller, Buffer.from("a"));
    exchange.onResponseData(controller, Buffer.from("b"));
    exchange.onResponseEnd();
    const { seen, handlers } = recorder();
    response.body.read(handlers);
    expect(seen).toEqual(["ab", "end"]);
    exchange.onResponseData(controller, Buffer.from("late"));
    expect(seen).toEqual(["ab", "end"]);
  });

  it("pauses the upstream when more than 64 KiB waits for the reader, and resumes it on reading", async () => {
    const { exchange, controller, calls, response } = await started();
    exchange.onResponseData(controller, Buffer.alloc(64 * 1024, "x"));
    expect(calls).toEqual([]);
    exchange.onResponseData(controller, Buffer.from("y"));
    expect(calls).toEqual(["pause"]);
    const { seen, handlers } = recorder();
    response.body.read(handlers);
    expect(seen).toEqual([`${"x".repeat(64 * 1024)}y`]);
    expect(calls).toEqual(["pause", "resume"]);
  });

  it("holds chunks while its reader has paused it and delivers them on resume", async () => {
    const { exchange, calls, response, seen } = await pausedAfterOneChunk();
    expect(seen).toEqual(["1"]);
    response.body.resume();
    expect(seen).toEqual(["1", "2"]);
    expect(calls).toEqual(["pause", "resume"]);
    exchange.onResponseEnd();
    expect(seen).toEqual(["1", "2", "end"]);
  });

  it("fails the response with an error before the head, and the body with one after it", async () => {
    const early = new UpstreamExchange();
    early.onResponseError(fakeController().controller, new Error("refused"));
    await expect(early.response).rejects.toThrow("refused");
    const { exchange, controller, response } = await started();
    exchange.onResponseData(controller, Buffer.from("part"));
    exchange.onResponseError(controller, new Error("reset"));
    const { seen, handlers } = recorder();
    response.body.read(handlers);
    expect(seen).toEqual(["part", "error reset"]);
  });

  it("aborts a request that has not reached a connection yet as soon as it does", async () => {
    const exchange = new UpstreamExchange();
    exchange.destroy();
    const { controller, calls } = fakeController();
    exchange.onRequestStart(controller);
    expect(calls).toEqual(["abort"]);
    exchange.onResponseError(controller, controller.reason as Error);
    await expect(exchange.response).rejects.toMatchObject({ code: "UND_ERR_ABORTED" });
  });

  it("stops the upstream and tells the reader nothing more once destroyed", async () => {
    const { exchange, controller, calls, response } = await started();
    const { seen, handlers } = recorder();
    response.body.read(handlers);
    exchange.onResponseData(controller, Buffer.from("kept"));
    response.body.destroy();
    expect(calls).toEqual(["abort"]);
    exchange.onResponseData(controller, Buffer.from("dropped"));
    exchange.onResponseError(controller, new Error("aborted"));
    expect(seen).toEqual(["kept"]);
  });

  it("leaves the connection alone once the response ended, though the reader resumes later", async () => {
    const { exchange, calls, response, seen } = await pausedAfterOneChunk();
    exchange.onResponseEnd();
    response.body.resume();
    response.body.pause();
    response.body.resume();
    expect(seen).toEqual(["1", "2", "end"]);
    expect(calls).toEqual(["pause"]);
  });
});
