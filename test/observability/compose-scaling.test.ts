import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { parseCompose, readComposeText, withDefaults } from "./compose-spec.js";
import {
  checkHaproxyConfig,
  directive,
  durationSeconds,
  haproxyConfigPath,
  parseSections,
  readHaproxyConfig,
  section,
} from "./haproxy-config.js";

const compose = parseCompose(readComposeText());
const service = (name: string) => {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`compose.yaml has no service ${name}`);
  return found;
};
const sections = parseSections(readHaproxyConfig());
const defaults = parseConfig({});

describe("docker compose up --scale proxy=3", () => {
  it("can start several proxies: no fixed host port, no container name", () => {
    expect(service("proxy").ports).toBeUndefined();
    expect(service("proxy").container_name).toBeUndefined();
  });

  it("gives a stopping replica the time to drain its streams before Docker's SIGKILL", () => {
    const grace = /^(\d+)s$/.exec(service("proxy").stop_grace_period ?? "");
    // The cluster mode (WORKERS > 1) kills a stuck worker 10 s after the grace period.
    expect(Number(grace?.[1])).toBeGreaterThanOrEqual(defaults.shutdownGraceMs / 1000 + 10);
  });

  it("publishes APP_PORT on the load balancer, which mounts haproxy/haproxy.cfg", () => {
    const lb = service("proxy-lb");
    expect(lb.image).toMatch(/^haproxy:3\.\d+\.\d+-alpine$/);
    expect(lb.volumes).toEqual([`./${haproxyConfigPath}:/usr/local/etc/haproxy/haproxy.cfg:ro`]);
    expect(lb.depends_on?.proxy?.condition).toBe("service_started");
    const [published] = (lb.ports ?? []).map(withDefaults);
    expect(published).toBe(
      `127.0.0.1:8000:${directive(section(sections, "frontend", "openai"), "bind")[0]?.slice(1)}`,
    );
  });

  it("checks the load balancer's health on the port and path haproxy.cfg serves it", () => {
    const health = section(sections, "frontend", "health");
    const url = `http://127.0.0.1:${directive(health, "bind")[0]?.slice(1)}${directive(health, "monitor-uri")[0]}`;
    expect(service("proxy-lb").healthcheck?.test).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", url]);
  });
});

describe("haproxy/haproxy.cfg", () => {
  const backend = section(sections, "backend", "proxies");

  it("passes haproxy -c without a warning", () => {
    const { status, output } = checkHaproxyConfig(haproxyConfigPath);
    expect(status, output).toBe(0);
    expect(output).not.toMatch(/WARNING|ALERT/);
  });

  it("rejects a broken file (the check is live)", () => {
    const { status } = checkHaproxyConfig("compose.yaml");
    expect(status).not.toBe(0);
  });

  it("finds up to 10 replicas of the compose service `proxy` by DNS, on the proxy's port", () => {
    const [prefix, count, address] = directive(backend, "server-template");
    expect(prefix).toBe("proxy");
    expect(Number(count)).toBeGreaterThanOrEqual(3);
    expect(address).toBe(`proxy:${service("proxy").environment?.APP_PORT}`);
    expect(directive(backend, "default-server")).toEqual(
      expect.arrayContaining(["check", "resolvers", "docker", "init-addr", "none"]),
    );
    expect(directive(section(sections, "resolvers", "docker"), "parse-resolv-conf")).toEqual([""]);
  });

  it("relays bytes in TCP mode and sends new connections only to replicas whose /readyz says ready", () => {
    expect(directive(section(sections, "defaults"), "mode")).toEqual(["tcp"]);
    expect(directive(backend, "balance")).toEqual(["leastconn"]);
    expect(directive(backend, "http-check send")).toEqual(
      expect.arrayContaining(["meth", "GET", "uri", "/readyz", "ver", "HTTP/1.1", "hdr", "Host"]),
    );
    expect(directive(backend, "http-check expect")).toEqual(["status", "200"]);
  });

  it("never times out a stream that the proxy itself still waits on (OPENAI_TIMEOUT)", () => {
    for (const side of ["client", "server"]) {
      const [value = ""] = directive(section(sections, "defaults"), `timeout ${side}`);
      expect(durationSeconds(value), side).toBeGreaterThan(defaults.upstreamTimeoutMs / 1000);
    }
  });
});
