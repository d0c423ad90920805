import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { Recorder } from "../metrics/types.js";
import { expectationFailed, unparsableRequest } from "./proxy-error.js";
import { sendError } from "./send.js";

const inProgress = (socket: Duplex): boolean =>
  (socket as Duplex & { _httpMessage?: unknown })._httpMessage != null;

/**
 * Answers, in OpenAI's error shape, what Node would otherwise answer on its own and leave uncounted:
 * requests its parser refuses (400, 431 headers too large, 408 too slow) and an `Expect` other than
 * 100-continue (417). Each answer counts once in llm_requests_total as `endpoint="other"`.
 * https://nodejs.org/api/http.html#event-clienterror
 */
export function answerConnectionErrors(server: Server, recorder: Recorder): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    // With a response in progress on this connection, bytes written now would be taken for its answer:
    // the connection is closed instead, and that request counts itself (as 499). `_httpMessage` is the
    // response Node attached to the socket, the same field its own default handler checks (lib/_http_server.js).
    if (err.code === "ECONNRESET" || !socket.writable || inProgress(socket)) {
      socket.destroy();
      return;
    }
    const error = unparsableRequest(err.code);
    const body = error.toBody();
    const head =
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
    socket.end(head + body, () => socket.destroy());
    recorder.begin("other").finish(error.status, error.metric);
  });
  server.on("checkExpectation", (_req: IncomingMessage, res: ServerResponse) => {
    const error = expectationFailed();
    sendError(res, error);
    recorder.begin("other").finish(error.status, error.metric);
  });
}
