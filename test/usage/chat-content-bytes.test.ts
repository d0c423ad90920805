import { describe, expect, it } from "vitest";
import { chatExtractor } from "../../src/usage/chat.js";
import { chatContentInBytes } from "../../src/usage/chat-content-bytes.js";
import { sseBytes, transcriptNames } from "../helpers/fixtures.js";

const delta = (fields: string) =>
  Buffer.from(`data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{${fields}}}]}`);

/** Whether the chunk's JSON has content, as the chat observer reads it once parsed. */
function parsedHasContent(event: Buffer): boolean {
  let first = 0;
  const observer = chatExtractor.observeStream(() => first++);
  observer.onEvent({ id: undefined, event: undefined, data: event.toString("utf8").replace(/^data: ?/, "") });
  return first > 0;
}

describe("chatContentInBytes", () => {
  it.each([
    ['"role":"assistant","content":"","refusal":null', false],
    ['"content":null', false],
    ['"content":"Hi"', true],
    ['"content" : "Hi"', true],
    ['"refusal":"No"', true],
    ['"reasoning_content":"hmm","content":null', true],
    ['"content":null,"tool_calls":[]', undefined],
    ['"content":"","audio":{"id":"a"}', undefined],
    ['"role":"assistant"', undefined],
    ['"content":null,"tool_calls":[{"function":{"arguments":"{\\"content\\":\\"x\\"}"}}]', undefined],
  ])("reads {%s} as %s", (fields, expected) => {
    expect(chatContentInBytes(delta(fields))).toBe(expected);
  });

  const chatStreams = transcriptNames().filter((name) => /_chat_stream_/.test(name));

  it.each(chatStreams)("agrees with the parsed chunk wherever it answers, in %s", (name) => {
    const events = sseBytes(name)
      .toString("utf8")
      .split("\n\n")
      .filter((event) => event.startsWith("data: {"))
      .map((event) => Buffer.from(event));
    expect(events.length).toBeGreaterThan(2);
    let settled = 0;
    for (const event of events) {
      const fromBytes = chatContentInBytes(event);
      if (fromBytes === undefined) continue;
      settled++;
      expect(fromBytes, event.toString()).toBe(parsedHasContent(event));
    }
    expect(settled).toBeGreaterThan(0);
  });
});
