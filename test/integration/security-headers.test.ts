import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, jsonHeaders, postJson, type RawResponse, rawRequest } from "../helpers/raw-http.js";
import { type Stack, startStack } from "../helpers/stack.js";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(() => stack?.close());

const hopByHopRequest = [
  "Connection",
  "keep-alive, x-custom",
  "x-custom",
  "1",
  "Keep-Alive",
  "timeout=99",
  "TE",
  "trailers",
  "Proxy-Authorization",
  "Basic cHJveHk6c2VjcmV0",
  "Proxy-Connection",
  "keep-alive",
  "x-end-to-end",
  "kept",
];

describe("hop-by-hop headers toward the upstream", () => {
  for (const path of ["/v1/chat/completions", "/v1/models"]) {
    it(`${path}: Connection-named headers, TE, Keep-Alive and Proxy-* are not forwarded`, async () => {
      const post = path.endsWith("completions");
      const response = await rawRequest(stack.proxyUrl, {
        method: post ? "POST" : "GET",
        path,
        headers: [...hopByHopRequest, ...(post ? ["content-type", "application/json"] : [])],
        body: post ? JSON.stringify(chatBody("Hi")) : undefined,
      });
      expect(response.status).toBe(200);
      const seen = stack.simulator.stats.lastRequestHeaders ?? {};
      for (const name of ["x-custom", "te", "proxy-authorization", "proxy-connection"]) {
        expect(seen[name], name).toBeUndefined();
      }
      expect(seen["keep-alive"]).not.toBe("timeout=99");
      expect(String(seen.connection ?? "")).not.toContain("x-custom");
      expect(seen["x-end-to-end"]).toBe("kept");
    });
  }
});

/** An upstream that answers with hop-by-hop headers of its own and a cache policy unfit for a stream. */
function startNoisyUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, [
      ["content-type", "text/event-stream"],
      ["connection", "keep-alive, x-upstream-hop"],
      ["x-upstream-hop", "1"],
      ["keep-alive", "timeout=99"],
      ["proxy-authenticate", "Basic"],
      ["cache-control", "public, max-age=60"],
      ["x-end-to-end", "kept"],
    ] as unknown as IncomingHttpHeaders);
    res.end('data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\ndata: [DONE]\n\n');
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/v1` });
    }),
  );
}

describe("hop-by-hop headers toward the client", () => {
  it("the upstream's Connection-named headers, Keep-Alive and Proxy-Authenticate are not relayed", async () => {
    const upstream = await startNoisyUpstream();
    const noisy = await startStack({ upstreamUrl: upstream.url });
    try {
      const response = await postJson(
        noisy.proxyUrl,
        "/v1/chat/completions",
        chatBody("Hi", { stream: true }),
      );
      expect(response.status).toBe(200);
      expect(response.headers["x-upstream-hop"]).toBeUndefined();
      expect(response.headers["proxy-authenticate"]).toBeUndefined();
      expect(response.headers["keep-alive"]).not.toBe("timeout=99");
      expect(String(response.headers.connection)).not.toContain("x-upstream-hop");
      expect(response.headers["x-end-to-end"]).toBe("kept");
      expect(response.headers["cache-control"]).toBe("no-cache");
      expect(response.headers["x-accel-buffering"]).toBe("no");
    } finally {
      await noisy.close();
      upstream.server.closeAllConnections();
      upstream.server.close();
    }
  });
});

function expectPlainStream(response: RawResponse): void {
  expect(response.status).toBe(200);
  expect(response.headers["content-encoding"]).toBeUndefined();
  expect(response.headers["content-length"]).toBeUndefined();
  expect(response.headers["transfer-encoding"]).toBe("chunked");
  expect(response.headers["cache-control"]).toBe("no-cache");
  expect(response.headers["x-accel-buffering"]).toBe("no");
  expect(response.text.startsWith("data: ")).toBe(true);
  expect(response.text.endsWith("data: [DONE]\n\n")).toBe(true);
}

describe("streams", () => {
  const gzip = { "accept-encoding": "gzip, deflate, br" };

  it("a chat stream with the proxy's usage stripping arrives uncompressed, without a content-length", async () => {
    const response = await postJson(
      stack.proxyUrl,
      "/v1/chat/completions",
      chatBody("Hi", { stream: true }),
      gzip,
    );
    expectPlainStream(response);
    expect(response.text).not.toContain('"usage"');
    expect(stack.simulator.stats.lastRequestHeaders?.["accept-encoding"]).toBe("identity");
  });

  it("a chat stream the client asked usage for arrives uncompressed too", async () => {
    const body = chatBody("Hi", { stream: true, stream_options: { include_usage: true } });
    expectPlainStream(await postJson(stack.proxyUrl, "/v1/chat/completions", body, gzip));
  });

  it("a responses stream carries the anti-buffering headers", async () => {
    const body = { model: "gpt-4o-mini", input: "Hi", stream: true };
    const response = await postJson(stack.proxyUrl, "/v1/responses", body, gzip);
    expect(response.headers["content-encoding"]).toBeUndefined();
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect(response.headers["x-accel-buffering"]).toBe("no");
    expect(response.text).toContain("event: response.completed");
  });
});

describe("non-streamed bodies", () => {
  const cases: Array<[string, () => Promise<RawResponse>]> = [
    [
      "chat",
      () => postJson(stack.proxyUrl, "/v1/chat/completions", chatBody("Hi"), { "accept-encoding": "gzip" }),
    ],
    [
      "embeddings",
      () => postJson(stack.proxyUrl, "/v1/embeddings", { model: "text-embedding-3-small", input: "é🙂" }),
    ],
    ["/ask", () => postJson(stack.proxyUrl, "/ask", { messages: [{ role: "user", content: "héllo 🙂" }] })],
    ["an upstream error", () => postJson(stack.proxyUrl, "/v1/chat/completions", { model: "gpt-4o-mini" })],
    ["a proxy error", () => postJson(stack.proxyUrl, "/v1/chat/completions", "{")],
    ["a pass-through", () => rawRequest(stack.proxyUrl, { path: "/v1/models", headers: jsonHeaders })],
  ];
  for (const [name, send] of cases) {
    it(`${name}: content-length equals the byte length of the body`, async () => {
      const response = await send();
      expect(response.headers["content-encoding"]).toBeUndefined();
      expect(response.headers["content-length"]).toBe(String(response.body.length));
      expect(response.complete).toBe(true);
    });
  }
});
