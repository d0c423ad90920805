import type { RunOptions } from "./options.js";

/** How every figure was obtained, written next to the figures so that they are never read without it. */
export function methodLines(options: RunOptions, autoWorkers: number, peakResetWorked: boolean): string[] {
  const peak = peakResetWorked
    ? "VmHWM from /proc/<pid>/status, reset (clear_refs 5) before each 32-connection phase; the highest over rounds and both scenarios"
    : "VmHWM from /proc/<pid>/status (could not be reset here, so a lifetime peak)";
  return [
    "Every server is its own process from the built dist/: the OpenAI simulator (dist/simulator/main.js, no artificial latency), the proxy (dist/main.js) and a bare pass-through written for the benchmark (bench/bare-pass-through.ts: the proxy's own transport, i.e. node:http in, the request body buffered, one undici keep-alive Agent out, upstream chunks written on as they arrive, and nothing else: no parsing, no metrics, no logging, no router), the last two in front of the same simulator.",
    "The proxy runs as shipped, with the default LOG_LEVEL=info, its access log written to /dev/null; a second proxy at LOG_LEVEL=warn and a third with WORKERS=auto " +
      `(${autoWorkers} node:cluster workers) run in the same rounds.`,
    "Requests: POST /v1/chat/completions for gpt-4o-mini with `x-simulator-tokens: 20`, so every answer has exactly 20 content pieces; stream-20 sets stream: true without stream_options, so the proxy takes its usual path of asking the upstream for usage and stripping that chunk.",
    `Rounds interleave: each round runs each phase on every target back to back, in an order rotated every round, so that drift on the shared machine hits all alike; ${options.rounds} round(s) of ${options.seconds} s per phase, after a ${options.warmupSeconds} s warm-up per target and scenario.`,
    "Latency at 1 connection: autocannon (programmatic API), 1 connection; per-response times from its `response` event, because its histogram keeps whole milliseconds. Added latency is target minus simulator direct within the same round, then the median over rounds; the checks also give the range of the per-round ratios to the bare pass-through.",
    "TTFB for streams: a sequential undici Client loop on one keep-alive connection, from sending the request to the first body byte.",
    `Requests/s: autocannon at ${options.loadConnections} connections, completed responses over the run's duration.`,
    "CPU per request: user + system time of the target process (all processes for WORKERS=auto) from /proc/<pid>/stat before and after each 32-connection phase, and each 1-connection latency phase, divided by the completed responses.",
    `Peak memory: ${peak}.`,
    `GET /metrics: a fresh proxy with MAX_MODEL_LABELS=${options.metricsModels} gets one plain and one streamed request for each of ${options.metricsModels} model names, then 5 unmeasured and ${options.metricsScrapes} measured scrapes one at a time on one keep-alive connection, each timed to its last byte.`,
    `Paced streams: an upstream written for the benchmark (bench/paced-upstream.ts) keeps every stream open and sends one-token OpenAI chat chunks round-robin at ${options.paced.perSecond}/s across all open streams, so that what grows is the number of open streams, not the work; clients (bench/paced-clients.ts) open the streams, one connection each, without stream_options (the proxy strips as usual). Both run in the benchmark's own process, the proxy (UPSTREAM_CONNECTIONS = streams + 64) and the bare pass-through (as many connections) are fresh processes per count. RSS per open stream: VmRSS with the streams open minus VmRSS idle after a 20-stream warm-up, over the number of streams. CPU per chunk: /proc CPU time over the ${options.paced.windowSeconds} s window over the chunks sent in it. Gaps: the p99 of the time between two chunks of one stream, as the clients saw them and as the upstream sent them; "added" is the difference.`,
    "The load generator, the simulator and the servers share the machine's CPUs, so requests/s is bounded by the machine rather than by the proxy alone: compare columns, not machines. Every figure is reported as measured.",
  ];
}
