import { spawn } from "node:child_process";
import { resolve } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatResetDuration } from "../../src/simulator/rate-limits.js";
import { type Simulator, startSimulator } from "../../src/simulator/simulator.js";
import { splitIntoPieces } from "../../src/simulator/text-generation.js";
import { post } from "./helpers.js";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
});

afterAll(() => sim.close());

const paths = ["/chat/completions", "/completions", "/responses", "/embeddings"];

describe("robustness", () => {
  it("answers any JSON body on any endpoint with 200 or an OpenAI 4xx error, never a crash", async () => {
    const anyBody = fc.record(
      {
        model: fc.oneof(fc.constantFrom("gpt-4o-mini", "o3-mini", "gpt-5", "x"), fc.anything()),
        messages: fc.oneof(fc.array(fc.record({ role: fc.string(), content: fc.anything() })), fc.anything()),
        input: fc.anything(),
        prompt: fc.anything(),
        n: fc.anything(),
        max_tokens: fc.anything(),
        tools: fc.anything(),
        stream: fc.boolean(),
        stream_options: fc.anything(),
        dimensions: fc.anything(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), anyBody, async (path, body) => {
        const response = await post(sim, path, body);
        const text = await response.text();
        expect([200, 400]).toContain(response.status);
        if (response.status === 400) expect(JSON.parse(text)).toHaveProperty("error.type");
      }),
      { numRuns: 150 },
    );
  });

  it("survives garbage bodies and odd methods", async () => {
    for (const raw of ["", "null", "[1,2]", '"text"', "\u0000\uffff", "{".repeat(10_000)]) {
      expect((await post(sim, "/chat/completions", raw)).status).toBe(400);
    }
    expect((await fetch(`${sim.url}/chat/completions`, { method: "DELETE" })).status).toBe(404);
    expect((await fetch(`${sim.url}/models/%E0%A4%A`)).status).toBe(404);
  });

  it("never splits a surrogate pair when cutting text into pieces", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.integer({ min: 1, max: 6 }), (text, size) => {
        const pieces = splitIntoPieces(text, size);
        expect(pieces.join("")).toBe(text);
        // In unicode mode the class only matches surrogates that lost their pair.
        for (const piece of pieces) expect(/[\uD800-\uDFFF]/u.test(piece)).toBe(false);
      }),
    );
  });

  it("formats reset durations like OpenAI", () => {
    expect(formatResetDuration(0)).toBe("0s");
    expect(formatResetDuration(6)).toBe("6ms");
    expect(formatResetDuration(8640)).toBe("8.64s");
    expect(formatResetDuration(63_570)).toBe("1m3.57s");
    expect(formatResetDuration(3_723_000)).toBe("1h2m3s");
  });
});

describe("main.ts", () => {
  it("starts from the environment, logs its URL and exits cleanly on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", resolve(import.meta.dirname, "../../src/simulator/main.ts")],
      {
        env: { ...process.env, SIM_PORT: "0", SIM_HOST: "127.0.0.1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stdout.on("data", (data: Buffer) => {
        const match = /http:\/\/127\.0\.0\.1:\d+\/v1/.exec(data.toString());
        if (match) resolveUrl(match[0]);
      });
      child.on("exit", (code) => reject(new Error(`exited early with ${code}`)));
    });
    const models = (await (await fetch(`${url}/models`)).json()) as { object: string };
    expect(models.object).toBe("list");
    const exitCode = new Promise<number | null>((resolveExit) => child.on("exit", resolveExit));
    child.kill("SIGTERM");
    expect(await exitCode).toBe(0);
  });
});
