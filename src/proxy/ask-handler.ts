import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { RequestMeter } from "../metrics/types.js";
import { responseInfoOf } from "../tracing/response-info.js";
import type { RequestTrace } from "../tracing/types.js";
import { createBodyCollector } from "../usage/body-collector.js";
import { arrayOf, isObject, type Json, stringOf } from "../usage/json.js";
import { isCountableUsage, readPromptCompletionUsage } from "../usage/read-usage.js";
import { beginRequest } from "./begin-request.js";
import { decodeBody } from "./decode-body.js";
import { failBeforeResponse, type NodeHandler, queryOf } from "./handler.js";
import type { MeteredDeps } from "./metered-handler.js";
import { clientClosedStatus, fromUpstreamFailure } from "./proxy-error.js";
import { readBody } from "./read-body.js";
import { askUpstreamBody, parseRequestBody } from "./request-body.js";
import { sendJson } from "./send.js";
import { sendUpstream } from "./send-upstream.js";
import { errorTypeForStatus } from "./status-errors.js";
import type { UpstreamResponse } from "./upstream-exchange.js";

/**
 * POST /ask: the curl-friendly endpoint. Takes a chat completions body (model optional), calls the
 * upstream without streaming, and answers a summary of the call; upstream errors come back as sent.
 */
export function createAskHandler(deps: MeteredDeps, defaultModel: string): NodeHandler {
  return async function askHandler(req, res, keyName) {
    const { meter, trace } = beginRequest(deps, "ask", req);
    let attributed = false;
    try {
      const raw = await readBody(req, deps.maxBodyBytes);
      const parsed = parseRequestBody(raw, defaultModel);
      meter.attribute(deps.attributor.resolve(keyName, req.headers, parsed.json));
      attributed = true;
      meter.setModel(parsed.model);
      trace?.request(parsed.model, { ...parsed.json, stream: false });
      const body = askUpstreamBody(raw, parsed.model);
      const response = await sendUpstream(deps, {
        req,
        res,
        meter,
        trace,
        method: "POST",
        path: `/v1/chat/completions${queryOf(req.url)}`,
        body,
      });
      meter.rateLimits(response.headers);
      const bytes = await collect(response, res);
      if (bytes === undefined || res.destroyed) return meter.finish(clientClosedStatus);
      if (response.statusCode >= 300) return passError(res, meter, response, bytes);
      answer(res, meter, trace, parsed.model, bytes);
    } catch (err) {
      if (!attributed) meter.attribute(deps.attributor.resolve(keyName, req.headers, undefined));
      failBeforeResponse(res, meter, err, deps.onInternalError);
    }
  };
}

/**
 * The whole answer, decoded when the upstream compressed it; a body cut short fails as the upstream's.
 * Undefined when the client left first: the upstream is then stopped, as on every metered endpoint.
 */
function collect(response: UpstreamResponse, res: ServerResponse): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const body = decodeBody(response.body, response.headers);
    const onClose = () => {
      body.destroy();
      resolve(undefined);
    };
    if (res.destroyed) return onClose();
    res.once("close", onClose);
    body.read({
      data: (chunk) => chunks.push(chunk),
      end: () => {
        res.off("close", onClose);
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
      },
      error: (err) => {
        res.off("close", onClose);
        reject(fromUpstreamFailure(err));
      },
    });
  });
}

function passError(
  res: Parameters<NodeHandler>[1],
  meter: RequestMeter,
  response: UpstreamResponse,
  bytes: Buffer,
) {
  res.writeHead(response.statusCode, {
    "content-type": String(response.headers["content-type"] ?? "application/json"),
    "content-length": bytes.length,
  });
  res.end(bytes);
  meter.finish(response.statusCode, errorTypeForStatus(response.statusCode));
}

function answer(
  res: Parameters<NodeHandler>[1],
  meter: RequestMeter,
  trace: RequestTrace | undefined,
  model: string,
  bytes: Buffer,
) {
  const collector = createBodyCollector();
  collector.push(bytes);
  const { json, model: answeredBy } = collector.finish();
  trace?.response(responseInfoOf(json));
  const reported = readPromptCompletionUsage(json?.usage);
  if (reported !== undefined) meter.usage(reported, { answeredBy });
  // The summary shows what was counted: usage the meter refused is shown as none.
  const usage = reported !== undefined && isCountableUsage(reported) ? reported : undefined;
  const body = JSON.stringify({
    model,
    latency_s: Number(((performance.now() - meter.receivedAt) / 1000).toFixed(3)),
    prompt_tokens: usage?.promptTokens ?? 0,
    completion_tokens: usage?.completionTokens ?? 0,
    // Rounded to 12 significant digits so binary float noise (0.0000607999…94) does not reach curl users.
    cost_usd: meter.costUsd === undefined ? null : Number(meter.costUsd.toPrecision(12)),
    answer: firstAnswer(json),
  });
  sendJson(res, 200, body);
  meter.finish(200);
}

function firstAnswer(json: Json | undefined): string {
  const choice = arrayOf(json?.choices)[0];
  return isObject(choice) && isObject(choice.message) ? stringOf(choice.message.content) : "";
}
