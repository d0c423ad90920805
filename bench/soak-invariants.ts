/** What a soak run measured, and the invariants that must hold after any amount of traffic. */

export interface SoakOptions {
  readonly requests: number;
  readonly concurrency: number;
  /** Share of requests the client aborts at a random moment. */
  readonly abortRatio: number;
  readonly seed: number;
  /** Mixes hostile inputs (bench/soak-hostile.ts) into the traffic. */
  readonly hostile: boolean;
}

export interface SoakReport {
  readonly options: SoakOptions;
  readonly seconds: number;
  /** Requests whose headers reached the proxy: a request aborted before it was sent never does. */
  readonly received: number;
  /** Unparsable requests sent: Node's parser refuses them before any request event; the proxy answers each. */
  readonly refusedConnections: number;
  /** What the client saw: a status, "aborted" (it gave up) or "error" (the connection failed). */
  readonly seen: Record<string, number>;
  /** Requests whose upstream stream ends with an error event: read to the end, or aborted by the client. */
  readonly streamErrorRequests: { completed: number; aborted: number };
  /** llm_requests_total summed by code, and llm_errors_total by type. */
  readonly counted: Record<string, number>;
  readonly errors: Record<string, number>;
  /** Values of llm_tokens_total and llm_cost_usd_total that are NaN, infinite or negative. */
  readonly poisonedCounters: number;
  readonly inFlight: number;
  readonly memoryMb: { heapWarm: number; heapEnd: number; rssWarm: number; rssEnd: number; rssPeak: number };
  /** CPU of this whole process (proxy, simulator and clients alike) while the traffic ran. */
  readonly cpuSeconds: { user: number; system: number };
  readonly sockets: { upstreamOpen: number; proxyConnections: number; proxyConnectionsAfterClose: number };
  readonly failures: string[];
}

/** Heap may grow this much past warm-up (pools, JIT code, histogram buckets); a leak grows with load. */
const heapToleranceMb = 16;
const rssToleranceMb = 96;

/** The error types each mix may cause, and the statuses each is counted under. */
const expectedErrors: Record<string, readonly string[]> = {
  rate_limit: ["429"],
  invalid_request: ["400"],
  upstream_4xx: ["404"],
};
const normalErrors = ["rate_limit"];
/** Counted under a 200, so checked against the error-event requests rather than a status. */
const streamError = "stream_error";

const sumOf = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Every request counted exactly once and by what the client saw; nothing left open or growing. */
export function checkInvariants(r: Omit<SoakReport, "failures">): string[] {
  const failures: string[] = [];
  const fail = (ok: boolean, text: string) => ok || failures.push(text);
  const aborted = r.seen.aborted ?? 0;
  const answered = r.received + r.refusedConnections;
  const total = sumOf(r.counted);
  fail(total === answered, `llm_requests_total sums to ${total}, but ${answered} requests reached the proxy`);
  const { requests } = r.options;
  fail(
    answered <= requests && answered >= requests - aborted,
    `${answered} of ${requests} reached the proxy`,
  );
  fail(
    (r.counted["499"] ?? 0) <= aborted,
    `${r.counted["499"]} counted 499 but the client aborted ${aborted}`,
  );
  for (const [code, count] of Object.entries(r.seen)) {
    if (code === "aborted" || code === "error") continue;
    const counted = r.counted[code] ?? 0;
    fail(
      counted >= count && counted <= count + aborted,
      `code ${code}: client saw ${count}, counted ${counted}`,
    );
  }
  fail(r.seen.error === undefined, `${r.seen.error} requests failed at the connection`);
  checkErrors(r, fail);
  fail(r.poisonedCounters === 0, `${r.poisonedCounters} token or cost series are NaN, infinite or negative`);
  fail(r.inFlight === 0, `llm_requests_in_flight is ${r.inFlight}, not 0`);
  const { heapWarm, heapEnd, rssWarm, rssEnd } = r.memoryMb;
  fail(heapEnd - heapWarm <= heapToleranceMb, `heap grew ${heapEnd - heapWarm} MB (> ${heapToleranceMb})`);
  fail(rssEnd - rssWarm <= rssToleranceMb, `RSS grew ${rssEnd - rssWarm} MB (> ${rssToleranceMb})`);
  const { upstreamOpen, proxyConnections, proxyConnectionsAfterClose } = r.sockets;
  const pool = r.options.concurrency;
  fail(upstreamOpen <= pool, `${upstreamOpen} upstream sockets open, more than the ${pool} ever in use`);
  fail(
    proxyConnections <= pool,
    `${proxyConnections} client connections open, more than the ${pool} clients`,
  );
  fail(
    proxyConnectionsAfterClose === 0,
    `${proxyConnectionsAfterClose} connections left after the clients closed`,
  );
  return failures;
}

/**
 * Only the errors the mix causes, each exactly as many as the statuses it is counted under; a stream
 * error once per error-event stream the client read to the end, or aborted after the proxy had finished.
 */
function checkErrors(r: Omit<SoakReport, "failures">, fail: (ok: boolean, text: string) => unknown): void {
  const byStatus = r.options.hostile ? Object.keys(expectedErrors) : normalErrors;
  const allowed = r.options.hostile ? [...byStatus, streamError] : byStatus;
  const unexpected = Object.keys(r.errors).filter((type) => !allowed.includes(type));
  fail(unexpected.length === 0, `unexpected llm_errors_total types: ${unexpected.join(", ")}`);
  if (r.options.hostile) {
    const { completed, aborted } = r.streamErrorRequests;
    const counted = r.errors[streamError] ?? 0;
    fail(
      counted >= completed && counted <= completed + aborted,
      `${counted} stream_error counted for ${completed} error-event streams read to the end (${aborted} aborted)`,
    );
  }
  for (const type of byStatus) {
    const statuses = expectedErrors[type] ?? [];
    const counted = statuses.reduce((sum, status) => sum + (r.counted[status] ?? 0), 0);
    fail(
      (r.errors[type] ?? 0) === counted,
      `${type} errors (${r.errors[type] ?? 0}) differ from ${statuses} counted (${counted})`,
    );
  }
}
