import { describe, expect, it } from "vitest";
import { chatBody, postJson, waitFor } from "../helpers/raw-http.js";
import { startStack } from "../helpers/stack.js";

describe("a trace collector that does not answer", () => {
  it("costs the client nothing, is reported once in the log, and does not fail the shutdown", async () => {
    // The SDK reads its batching and export timing from the process environment itself; this test file
    // runs in a process of its own.
    process.env.OTEL_BSP_SCHEDULE_DELAY = "50";
    process.env.OTEL_EXPORTER_OTLP_TIMEOUT = "300";
    const logLines: string[] = [];
    // Port 9 (discard) on loopback: nothing listens there, so every export is refused at once.
    const stack = await startStack({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9",
        OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20secret-otlp-token",
      },
      logLines,
    });
    const failures = () => logLines.filter((line) => line.includes("trace export failed"));
    try {
      // Three requests far enough apart to be three batches, three failed exports.
      for (let round = 0; round < 3; round++) {
        expect((await postJson(stack.proxyUrl, "/v1/chat/completions", chatBody("hello"))).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      await waitFor(() => failures().length > 0, { what: "an export failure logged" });
    } finally {
      await stack.close();
    }
    // One warning: the next failures wait for the next minute.
    expect(failures()).toHaveLength(1);
    expect(failures()[0]).toContain('"level":40');
    expect(logLines.join("\n")).not.toContain("secret-otlp-token");
  });
});
