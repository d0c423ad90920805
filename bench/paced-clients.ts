import { type IncomingMessage, request } from "node:http";

export interface PacedClients {
  /** Streams whose first chunk arrived. */
  readonly started: number;
  /** Gaps (ms) between two chunks of one stream as the clients saw them, since the last call. */
  takeGaps(): number[];
  /** Resolves once every stream has ended. */
  finished(): Promise<void>;
}

const body = JSON.stringify({
  model: "gpt-4o-mini",
  stream: true,
  messages: [{ role: "user", content: "Stream to the paced benchmark." }],
});

/**
 * Opens `count` streamed chat completions against `origin`, each on its own connection, in batches so
 * that the server's accept queue never overflows; resolves once every stream has its first chunk.
 */
export async function openPacedClients(origin: string, count: number, batch = 200): Promise<PacedClients> {
  const url = new URL(origin);
  let started = 0;
  let gapsMs: number[] = [];
  const ends: Promise<void>[] = [];
  const open = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: "/v1/chat/completions",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        agent: false,
      });
      req.on("error", reject);
      req.on("response", (res: IncomingMessage) => {
        let last: number | undefined;
        res.on("data", () => {
          const now = performance.now();
          if (last === undefined) {
            started++;
            resolve();
          } else gapsMs.push(now - last);
          last = now;
        });
        ends.push(new Promise((done) => res.on("close", done)));
      });
      req.end(body);
    });
  for (let opened = 0; opened < count; opened += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - opened) }, open));
  }
  return {
    get started() {
      return started;
    },
    takeGaps() {
      const taken = gapsMs;
      gapsMs = [];
      return taken;
    },
    finished: async () => {
      await Promise.all(ends);
    },
  };
}
