import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedUpstream {
  /** Base URL with /v1, for OPENAI_BASE_URL. */
  readonly url: string;
  close(): Promise<void>;
}

/** An upstream that answers every request with the given script: for misbehaviour no simulator has. */
export async function startScriptedUpstream(
  script: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>,
): Promise<ScriptedUpstream> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    await script(req, res, Buffer.concat(chunks));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
