import { describe, expect, it } from "vitest";
import type { SseEvent } from "../../src/stream/event-observer.js";
import { StreamPipeline } from "../../src/stream/stream-pipeline.js";
import { chatExtractor } from "../../src/usage/chat.js";

const chunk = (fields: string) => `data: {"id":"c","object":"chat.completion.chunk",${fields}}\n\n`;
const content = (text: string, usage: string) =>
  chunk(`"choices":[{"index":0,"delta":{"content":"${text}"},"finish_reason":null}],${usage}`);

/** Runs a stream through the tap with the observer's own filter; counts the events it let through. */
function observe(stream: string) {
  let firstTokens = 0;
  let parsed = 0;
  const observer = chatExtractor.observeStream(
    () => firstTokens++,
    (text) => text.length,
  );
  const counting = {
    wants: (raw: Buffer, usage: boolean | undefined) => observer.wants(raw, usage),
    onLongEvent: (length: number) => observer.onLongEvent(length),
    onEvent: (event: SseEvent) => {
      parsed++;
      observer.onEvent(event);
    },
  };
  const pipeline = new StreamPipeline({ sink: { write() {} }, observer: counting, filterUsage: false });
  pipeline.push(Buffer.from(stream));
  pipeline.end();
  return { usage: observer.usage, firstTokens, parsed };
}

describe("chat stream observer behind the pipeline's choice of events", () => {
  it("parses the first content chunk and the usage chunk, not the chunks between", () => {
    const stream =
      content("Hi", '"usage":null') +
      content(" there", '"usage":null') +
      content("!", '"usage":null') +
      chunk('"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}') +
      "data: [DONE]\n\n";
    const { usage, firstTokens, parsed } = observe(stream);
    expect(usage).toEqual({ promptTokens: 5, completionTokens: 3, cachedTokens: 0, reasoningTokens: 0 });
    expect(firstTokens).toBe(1);
    expect(parsed).toBe(2);
  });

  it("takes the first content chunk from its bytes after OpenAI's role chunk, parsing neither it nor later ones", () => {
    const stream =
      chunk('"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null}}],"usage":null') +
      content("Hi", '"usage":null') +
      content("!", '"usage":null') +
      chunk('"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}');
    const { usage, firstTokens, parsed } = observe(stream);
    expect(usage?.completionTokens).toBe(2);
    expect(firstTokens).toBe(1);
    expect(parsed).toBe(2);
  });

  it("parses a chunk until its bytes settle whether it has content (a tool call)", () => {
    const toolCall = '"tool_calls":[{"index":0,"id":"t","function":{"name":"f","arguments":""}}]';
    const stream =
      chunk('"choices":[{"index":0,"delta":{"role":"assistant","content":null}}],"usage":null') +
      chunk(`"choices":[{"index":0,"delta":{"content":null,${toolCall}}}],"usage":null`) +
      content("after", '"usage":null');
    const { firstTokens, parsed } = observe(stream);
    expect(firstTokens).toBe(1);
    expect(parsed).toBe(2);
  });

  it("finds a usage object written with a space after the colon (vLLM style)", () => {
    const stream =
      content("a", '"usage": null') +
      content("b", '"usage": null') +
      chunk('"choices":[],"usage": {"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}');
    expect(observe(stream).usage?.promptTokens).toBe(7);
  });

  it("reads every chunk when the first shows the upstream will send no usage (for the estimate)", () => {
    const stream = content("a", '"x":1') + content("b", '"x":1') + content("c", '"x":1');
    expect(observe(stream).parsed).toBe(3);
  });
});
