export interface DemoCall {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

const write = (line: string) => process.stdout.write(`${line}\n`);

async function post(base: string, call: DemoCall): Promise<Response> {
  return fetch(`${base}${call.path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...call.headers },
    body: JSON.stringify(call.body),
  });
}

/** Sends one call through the proxy and prints what came back: answer, tokens, cost or the error. */
export async function printAnswer(base: string, call: DemoCall): Promise<void> {
  const started = performance.now();
  const response = await post(base, call);
  const model = String(call.body.model ?? "gpt-4o-mini (default)");
  if (!response.ok) {
    const error = (await response.json()) as { error?: { code?: string; message?: string } };
    write(`${call.path} ${model}: HTTP ${response.status} ${error.error?.code ?? ""}`);
    return;
  }
  if (call.body.stream === true) {
    const text = await response.text();
    const chunks = text.split("\n\n").filter((event) => event.startsWith("data: {")).length;
    write(
      `${call.path} ${model}: streamed ${chunks} chunks in ${((performance.now() - started) / 1000).toFixed(2)} s`,
    );
    return;
  }
  const body = (await response.json()) as Record<string, unknown>;
  if (call.path === "/ask") {
    write(
      `${call.path} ${model}: ${body.prompt_tokens} + ${body.completion_tokens} tokens, $${body.cost_usd}, ${body.latency_s} s`,
    );
    write(`    ${String(body.answer).slice(0, 100)}`);
    return;
  }
  const usage = body.usage as { prompt_tokens?: number } | undefined;
  write(`${call.path} ${model}: ${usage?.prompt_tokens ?? 0} prompt tokens`);
}

/** Prints the llm_* series whose value changed, leaving out histogram buckets for brevity. */
export function printChangedMetrics(before: string, after: string): void {
  const old = new Set(before.split("\n"));
  write("\nMetric lines that changed (histogram buckets left out):");
  for (const line of after.split("\n")) {
    if (!line.startsWith("llm_") || line.includes("_bucket{") || old.has(line)) continue;
    write(`  ${line}`);
  }
}
