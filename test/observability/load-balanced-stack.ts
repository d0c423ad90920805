import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/logging/logger.js";
import { type RunningServer, startServer } from "../../src/server.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../src/simulator/simulator.js";
import { parseMetrics } from "../helpers/metrics.js";
import { type DnsStub, startDnsStub } from "./dns-stub.js";
import { readHaproxyConfig } from "./haproxy-config.js";
import { freePort, requireBinary } from "./tools.js";

/**
 * `docker compose up --scale proxy=N` without Docker: N proxies on loopback addresses 127.0.0.2...,
 * a DNS stub answering `proxy` with their addresses as Docker's DNS would, and Debian's HAProxy running
 * haproxy/haproxy.cfg with only its addresses changed (listen ports, nameserver, replica port).
 */
export interface LoadBalancedStack {
  /** The load balancer's root, where clients go (compose publishes it on APP_PORT). */
  readonly url: string;
  readonly healthUrl: string;
  readonly replicas: readonly RunningServer[];
  readonly simulator: Simulator;
  readonly dns: DnsStub;
  /** Requests a replica has answered, from its own /metrics (llm_requests_total, all series). */
  served(replica: RunningServer): Promise<number>;
  /** HAProxy's log so far, for failure messages. */
  log(): string;
  close(): Promise<void>;
}

const silent = createLogger("silent");

function startReplica(host: string, port: number, upstream: string): Promise<RunningServer> {
  const config = parseConfig({ APP_HOST: host, APP_PORT: String(port), OPENAI_BASE_URL: upstream });
  return startServer(config, { logger: silent, defaultMetrics: false });
}

/** N replicas on one port of N loopback addresses (the backend line names a single port). */
async function startReplicas(count: number, upstream: string): Promise<RunningServer[]> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const port = await freePort();
    const started: RunningServer[] = [];
    try {
      for (let i = 0; i < count; i++) started.push(await startReplica(`127.0.0.${i + 2}`, port, upstream));
      return started;
    } catch {
      await Promise.all(started.map((replica) => replica.shutdown(0)));
    }
  }
  throw new Error("no port free on every replica address");
}

function replaceOnce(text: string, from: string, to: string): string {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`haproxy.cfg: expected "${from}" once, found ${parts.length - 1}`);
  return parts.join(to);
}

interface Ports {
  readonly lb: number;
  readonly health: number;
  readonly dns: number;
  readonly replica: number;
}

/** haproxy/haproxy.cfg, moved from the container's addresses to this machine's loopback. */
function localConfig(ports: Ports): string {
  let text = readHaproxyConfig();
  text = replaceOnce(text, "parse-resolv-conf", `nameserver stub 127.0.0.1:${ports.dns}`);
  text = replaceOnce(text, "bind :8000", `bind 127.0.0.1:${ports.lb}`);
  text = replaceOnce(text, "bind :8404", `bind 127.0.0.1:${ports.health}`);
  return replaceOnce(text, "proxy:8000", `proxy:${ports.replica}`);
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function servedBy(replica: RunningServer): Promise<number> {
  let total = 0;
  for (const [key, value] of parseMetrics(await replica.metrics.registry.metrics())) {
    if (key.startsWith("llm_requests_total{")) total += value;
  }
  return total;
}

export async function startLoadBalancedStack(
  count: number,
  simulatorOptions: SimulatorOptions = {},
): Promise<LoadBalancedStack> {
  const simulator = await startSimulator(simulatorOptions);
  const replicas = await startReplicas(count, simulator.url);
  const addresses = replicas.map((replica) => new URL(replica.url).hostname);
  const dns = await startDnsStub("proxy", addresses);
  const ports = {
    lb: await freePort(),
    health: await freePort(),
    dns: dns.port,
    replica: Number(new URL(replicas[0]?.url ?? "").port),
  };
  const dir = mkdtempSync(join(tmpdir(), "llm-proxy-haproxy-"));
  writeFileSync(join(dir, "haproxy.cfg"), localConfig(ports));
  const child = spawn(
    requireBinary("haproxy", "HAPROXY", "haproxy"),
    ["-db", "-f", join(dir, "haproxy.cfg")],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const close = async () => {
    child.kill("SIGTERM");
    if (!(await exited(child, 5000))) child.kill("SIGKILL");
    await exited(child, 5000);
    // A test may have drained a replica already; stopping it again has nothing left to do.
    await Promise.all(replicas.map((replica) => replica.shutdown(0).catch(() => undefined)));
    await Promise.all([simulator.close(), dns.close()]);
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url: `http://127.0.0.1:${ports.lb}`,
    healthUrl: `http://127.0.0.1:${ports.health}/healthz`,
    replicas,
    simulator,
    dns,
    served: servedBy,
    log: () => log,
    close,
  };
}
