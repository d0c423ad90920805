/**
 * The hostile share of `npm run soak -- --hostile`: what a client or a broken upstream can send on purpose,
 * mixed into normal traffic. Each kind is what the proxy must answer (and count once) without a 500,
 * without poisoning a counter, and without keeping anything of the request once it is answered.
 */
import { connect } from "node:net";

/** A request undici can send. */
export interface HttpKind {
  readonly method: "GET" | "POST" | "OPTIONS";
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  /** The upstream ends this stream with an error event: counted as a `stream_error` once read to the end. */
  readonly streamError?: true;
}

/** Bytes written as they are on a fresh connection, for what no HTTP client would send. */
export interface RawKind {
  readonly raw: string;
  /** Refused by Node's parser: answered (and counted) without a request event. */
  readonly unparsable?: true;
}

export type Kind = HttpKind | RawKind;
/** Builds the n-th request of its kind (so that, e.g., every huge model name is a new one). */
export type KindMaker = (n: number) => Kind;

const json = { "content-type": "application/json", "x-simulator-tokens": "24" };
const messages = [{ role: "user", content: "Soak test: say something." }];
const post = (path: string, body: string, headers: Record<string, string> = {}): HttpKind => ({
  method: "POST",
  path,
  headers: { ...json, ...headers },
  body,
});
const get = (path: string): HttpKind => ({ method: "GET", path, headers: {}, body: undefined });

// JSON.stringify throws past a few thousand levels; V8's JSON.parse reads them.
const depth = 5000;
const nested = `${"[".repeat(depth)}${"]".repeat(depth)}`;
const withMetadata = (body: object) => JSON.stringify(body).replace(/}$/, `,"metadata":${nested}}`);
const deepChat = withMetadata({ model: "gpt-4o-mini", messages, stream: true, stream_options: null });
const deepAsk = withMetadata({ messages });
const usageFault = (value: string) => ({ "x-simulator-fault": `usage:${value}` });
const fault = (value: string) => ({ "x-simulator-fault": value });
const chatStream = JSON.stringify({ model: "gpt-4o-mini", messages, stream: true });
const chatJson = JSON.stringify({ model: "gpt-4o-mini", messages });
const responsesStream = JSON.stringify({ model: "gpt-4o-mini", input: "Soak", stream: true });
/** Either side of the 4 MiB up to which the proxy decodes an event (src/stream/stream-pipeline.ts). */
const hugeEventBytes = (n: number) => (n % 2 === 0 ? 3 : 5) * 1024 * 1024;
const streamError = (path: string, body: string): HttpKind => ({
  ...post(path, body, fault("error_event")),
  streamError: true,
});
const hugeModelBytes = 512 * 1024;
const traversals = [
  "/v1/..%2fadmin",
  "/v1/%2e%2e%2fadmin",
  "/v1/..%5cadmin",
  "/v1/..;/admin",
  "/v1/%2E%2e/x",
];

/** By weight, next to the normal mix's 100. */
export const hostileKinds: readonly (readonly [number, KindMaker])[] = [
  [4, () => post("/v1/chat/completions", deepChat)],
  [2, () => post("/ask", deepAsk)],
  [
    3,
    () =>
      post("/v1/chat/completions", JSON.stringify({ model: "gpt-4o-mini", messages }), usageFault("1e308")),
  ],
  [
    3,
    () =>
      post(
        "/v1/chat/completions",
        JSON.stringify({ model: "o1-pro", messages, stream: true }),
        usageFault("-3"),
      ),
  ],
  [
    1,
    (n) =>
      post(
        "/v1/chat/completions",
        JSON.stringify({ model: `soak-${n}-${"m".repeat(hugeModelBytes)}`, messages }),
      ),
  ],
  [3, (n) => get(traversals[n % traversals.length] as string)],
  [2, () => ({ raw: "GET /v1/models HTTP/1.0\r\n\r\n" })],
  [1, () => ({ raw: "GET /v1/models HTTP/1.1\r\nconnection: close\r\n\r\n" })],
  [1, () => ({ raw: "OPTIONS * HTTP/1.1\r\nhost: soak\r\nconnection: close\r\n\r\n" })],
  [1, () => ({ raw: "SOAK /\r\n\r\n", unparsable: true })],
  // Stream-side: one event of 3 or 5 MiB, gzip though the proxy asked for identity, an error event.
  [1, (n) => post("/v1/chat/completions", chatStream, fault(`huge_event:${hugeEventBytes(n)}`))],
  [2, () => post("/v1/chat/completions", chatStream, fault("gzip"))],
  [1, () => post("/v1/chat/completions", chatJson, fault("gzip"))],
  [2, () => streamError("/v1/chat/completions", chatStream)],
  [1, () => streamError("/v1/responses", responsesStream)],
];

/** Sends raw bytes and returns the status of the one response (or "error" when there was none). */
export function rawExchange(origin: string, raw: string): Promise<string> {
  const url = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(raw));
    let head = "";
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on("data", (chunk: Buffer) => {
      if (head.length < 64) head += chunk.toString("latin1");
    });
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? "error"));
  });
}
