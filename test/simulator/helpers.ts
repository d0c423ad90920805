import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Simulator } from "../../src/simulator/simulator.js";

/** 2024-11-11T23:43:50Z, the `created` of fixture 01. */
export const fixedNow = (): number => 1_731_368_630_000;

const fixtureDir = resolve(import.meta.dirname, "../fixtures/openai");

export function fixtureText(file: string): string {
  return readFileSync(resolve(fixtureDir, file), "utf8");
}

export function fixtureBody(file: string): string {
  return (JSON.parse(fixtureText(file)) as { response: { body: string } }).response.body;
}

export function post(
  sim: Simulator,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal,
  });
}

/** The JSON payloads of a chat-style stream, without the [DONE] sentinel. */
export function dataPayloads(sse: string): string[] {
  return sse
    .split("\n\n")
    .filter((frame) => frame.startsWith("data: ") && frame !== "data: [DONE]")
    .map((frame) => frame.slice("data: ".length));
}

export interface SseEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

export function namedEvents(sse: string): SseEvent[] {
  return sse
    .split("\n\n")
    .filter((frame) => frame.startsWith("event: "))
    .map((frame) => {
      const [eventLine = "", dataLine = ""] = frame.split("\n");
      return { event: eventLine.slice(7), data: JSON.parse(dataLine.slice(6)) as Record<string, unknown> };
    });
}

/** Keys in order and value kinds, so that layouts compare without comparing values. */
export function skeleton(value: unknown): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 0 ? [] : [skeleton(value[0])];
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, skeleton(inner)]);
  }
  return typeof value;
}

export async function waitFor(check: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const userMessage = (content: string) => [{ role: "user" as const, content }];

/** A chat request for the simulator, plain and streamed with usage. */
export const chat = { model: "gpt-4o-mini", messages: userMessage("Hello") };
export const streamed = { ...chat, stream: true, stream_options: { include_usage: true } };

/** The header that asks the simulator for failure modes (src/simulator/faults.ts). */
export const fault = (value: string) => ({ "x-simulator-fault": value });
