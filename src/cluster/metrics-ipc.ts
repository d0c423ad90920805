import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";

const askType = "llm-proxy:cluster-metrics-ask";
const answerType = "llm-proxy:cluster-metrics-answer";
/** Longer than prom-client's own 5 s collection timeout, so its error reaches the worker first. */
const askTimeoutMs = 8_000;

interface Ask {
  readonly type: typeof askType;
  readonly id: number;
}

interface Answer {
  readonly type: typeof answerType;
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

const isAsk = (message: unknown): message is Ask => (message as Ask | null)?.type === askType;
const isAnswer = (message: unknown): message is Answer => (message as Answer | null)?.type === answerType;

/**
 * Primary: a scrape lands on one worker (cluster round-robins connections), so that worker asks here
 * and gets every worker's series, aggregated by prom-client, so that counters are whole.
 */
export function answerWorkerAsks(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker: Worker, message: unknown) => {
    if (!isAsk(message)) return;
    aggregator.clusterMetrics().then(
      (text) => reply(worker, { type: answerType, id: message.id, text }),
      (err: unknown) => reply(worker, { type: answerType, id: message.id, error: String(err) }),
    );
  });
}

function reply(worker: Worker, answer: Answer): void {
  if (worker.isConnected()) worker.send(answer);
}

interface Pending {
  readonly resolve: (text: string) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Worker: answers the primary's collection requests from `registry`, and makes `registry.metrics()`
 * (what GET /metrics serves) return the whole group's metrics instead of this worker's share.
 */
export function shareWithPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // prom-client installs the worker's answering listener in this constructor; the instance is not needed.
  void new AggregatorRegistry();
  const pending = new Map<number, Pending>();
  let nextId = 0;
  process.on("message", (message: unknown) => {
    if (!isAnswer(message)) return;
    const waiting = pending.get(message.id);
    if (waiting === undefined) return;
    pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.text !== undefined) waiting.resolve(message.text);
    else waiting.reject(new Error(`cluster metrics: ${message.error ?? "no answer"}`));
  });
  registry.metrics = () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error("cluster metrics: the primary did not answer"));
      }, askTimeoutMs);
      pending.set(id, { resolve, reject, timer });
      process.send?.({ type: askType, id } satisfies Ask);
    });
}
