import type { IncomingHttpHeaders } from "node:http";

/** A parsed JSON request body, when the endpoint has one. */
export type RequestBody = Readonly<Record<string, unknown>> | undefined;

/** A dimension's value as the request gives it (not yet cleaned); "" when it gives none. */
export type ValueReader = (headers: IncomingHttpHeaders, body: RequestBody) => string;

/** The proxy's own request headers: never forwarded upstream (src/proxy/headers.ts). */
export const attributionHeaderPrefix = "x-llm-";

const text = (value: unknown): string => (typeof value === "string" ? value : "");

/**
 * Where the value of dimension `name` comes from, first found wins: the header `x-llm-<name>` (or its
 * dashed spelling, since some proxies drop headers with underscores), then the body's
 * `metadata.<name>` (https://platform.openai.com/docs/api-reference/chat/create#chat-create-metadata);
 * for `user`, then the body's `user` and `safety_identifier`, OpenAI's end-user id fields.
 */
export function createValueReader(name: string): ValueReader {
  const headers = [...new Set([name, name.replaceAll("_", "-")])].map((n) => attributionHeaderPrefix + n);
  const fields = name === "user" ? ["user", "safety_identifier"] : [];
  return (requestHeaders, body) => {
    for (const header of headers) {
      const value = text(requestHeaders[header]);
      if (value !== "") return value;
    }
    if (body === undefined) return "";
    const { metadata } = body;
    const fromMetadata =
      typeof metadata === "object" && metadata !== null
        ? text((metadata as Record<string, unknown>)[name])
        : "";
    if (fromMetadata !== "") return fromMetadata;
    for (const field of fields) {
      const value = text(body[field]);
      if (value !== "") return value;
    }
    return "";
  };
}
