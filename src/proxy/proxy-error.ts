import type { ErrorType } from "../metrics/types.js";

/** OpenAI's error `type` values that clients already branch on. */
export type OpenAiErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "server_error"
  | "proxy_error";

export interface ProxyErrorOptions {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  readonly type: OpenAiErrorType;
  /** The `type` label of llm_errors_total this failure is counted under. */
  readonly metric: ErrorType;
  readonly cause?: unknown;
  /** For 405: the methods the path does take (RFC 9110 §15.5.6 requires an Allow header). */
  readonly allow?: string;
}

/**
 * The one error type of the proxy: each failure has a stable `code` (like undici's errors) and renders
 * as OpenAI's error body so SDKs surface it as they would an upstream error.
 * Messages are written for the client: never a key, a body or an internal stack.
 */
export class ProxyError extends Error {
  readonly code: string;
  readonly status: number;
  readonly type: OpenAiErrorType;
  readonly metric: ErrorType;
  readonly allow: string | undefined;

  constructor({ code, status, message, type, metric, cause, allow }: ProxyErrorOptions) {
    super(message, { cause });
    this.name = "ProxyError";
    this.code = code;
    this.status = status;
    this.type = type;
    this.metric = metric;
    this.allow = allow;
  }

  toBody(): string {
    return JSON.stringify({
      error: { message: this.message, type: this.type, param: null, code: this.code },
    });
  }
}

const invalid = (code: string, status: number, message: string): ProxyError =>
  new ProxyError({ code, status, message, type: "invalid_request_error", metric: "invalid_request" });

export const invalidJson = (): ProxyError =>
  invalid("invalid_json", 400, "We could not parse the JSON body of your request.");

export const missingModel = (): ProxyError =>
  invalid("missing_model", 400, "You must provide a model parameter as a non-empty string.");

export const bodyTooLarge = (limit: number): ProxyError =>
  invalid("request_too_large", 413, `The request body exceeds the proxy's limit of ${limit} bytes.`);

export const methodNotAllowed = (method: string, allow: string): ProxyError =>
  new ProxyError({
    code: "method_not_allowed",
    status: 405,
    message: `Method ${method} is not allowed on this path; use ${allow}.`,
    type: "invalid_request_error",
    metric: "invalid_request",
    allow,
  });

export const notFound = (): ProxyError =>
  invalid("not_found", 404, "Unknown path. The proxy serves /v1/*, /ask, /metrics, /healthz and /readyz.");

/** The adapter could not make a URL of the request (`OPTIONS *`, a target not starting with `/`, a bad Host). */
export const invalidRequestTarget = (): ProxyError =>
  invalid(
    "invalid_request_target",
    400,
    "The request target must be a path starting with / and the Host a valid host.",
  );

/** A `.` or `..` segment in any spelling (`%2e`, `%2f`, `%5c`, `;`, double-encoded): see request-target.ts. */
export const invalidPath = (): ProxyError =>
  invalid("invalid_path", 400, "The request path must not contain . or .. segments, plain or encoded.");

/** RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without a Host header. */
export const missingHost = (): ProxyError =>
  invalid("missing_host", 400, "An HTTP/1.1 request must carry a Host header.");

/** RFC 9110 §10.1.1: an Expect other than 100-continue may be answered 417. */
export const expectationFailed = (): ProxyError =>
  invalid("expectation_failed", 417, "The proxy supports no Expect value other than 100-continue.");

/** What Node's HTTP parser refused, by its error code, answered as Node itself would, in OpenAI's shape. */
export function unparsableRequest(code: string | undefined): ProxyError {
  if (code === "HPE_HEADER_OVERFLOW") {
    return invalid("request_header_fields_too_large", 431, "The request's headers are too large.");
  }
  if (code === "HPE_CHUNK_EXTENSIONS_OVERFLOW") {
    return invalid("request_too_large", 413, "The request's chunk extensions are too large.");
  }
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return invalid("request_timeout", 408, "The request did not arrive in time.");
  }
  return invalid("malformed_request", 400, "The proxy could not parse this HTTP request.");
}

export const unauthorized = (): ProxyError =>
  new ProxyError({
    code: "invalid_api_key",
    status: 401,
    message: "Missing or invalid proxy API key. Send one of the keys in PROXY_API_KEYS as a Bearer token.",
    type: "authentication_error",
    metric: "unauthorized",
  });

export const internalError = (cause?: unknown): ProxyError =>
  new ProxyError({
    code: "proxy_internal_error",
    status: 500,
    message: "The proxy failed while handling this request.",
    type: "server_error",
    metric: "internal",
    cause,
  });

/** Status 499 (nginx's "client closed request") is counted, but as the client's choice, not an error. */
export const clientClosedStatus = 499;

export const clientClosed = (cause?: unknown): ProxyError =>
  new ProxyError({
    code: "client_closed",
    status: clientClosedStatus,
    message: "The client closed the request.",
    type: "invalid_request_error",
    metric: "invalid_request",
    cause,
  });

const upstreamUnreachable = (cause?: unknown): ProxyError =>
  new ProxyError({
    code: "upstream_unreachable",
    status: 502,
    message: "The proxy could not reach the upstream API.",
    type: "proxy_error",
    metric: "connection",
    cause,
  });

const upstreamTimeout = (cause?: unknown): ProxyError =>
  new ProxyError({
    code: "upstream_timeout",
    status: 504,
    message: "The upstream API did not answer within OPENAI_TIMEOUT.",
    type: "proxy_error",
    metric: "timeout",
    cause,
  });

const upstreamBadResponse = (cause?: unknown): ProxyError =>
  new ProxyError({
    code: "upstream_bad_response",
    status: 502,
    message: "The upstream API sent a response the proxy could not read.",
    type: "proxy_error",
    metric: "connection",
    cause,
  });

// undici names its failures by a stable `code`: https://github.com/nodejs/undici/blob/main/lib/core/errors.js
const timeoutCodes = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

/** Maps a failure of the upstream call to the error the client sees. */
export function fromUpstreamFailure(err: unknown): ProxyError {
  if (err instanceof ProxyError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && timeoutCodes.has(code)) return upstreamTimeout(err);
  if (code === "UND_ERR_INVALID_ARG" || code === "HPE_INVALID_CONSTANT") return upstreamBadResponse(err);
  return upstreamUnreachable(err);
}
