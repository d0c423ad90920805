import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { composeSchemaErrors, parseCompose, readComposeText, withDefaults } from "./compose-spec.js";
import { repoRoot } from "./tools.js";

const exactVersion = /:v?\d+\.\d+\.\d+(?:[-.][\w.-]+)?$/;
const seedVariables = [
  "APP_PORT",
  "PROM_PORT",
  "GRAFANA_PORT",
  "GRAFANA_USER",
  "GRAFANA_PASS",
  "OPENAI_API_KEY",
  "OPENAI_MODEL",
  "OPENAI_TIMEOUT",
];

describe("compose.yaml", () => {
  const text = readComposeText();
  const compose = parseCompose(text);
  const services = Object.entries(compose.services);
  const service = (name: string) => {
    const found = compose.services[name];
    if (found === undefined) throw new Error(`compose.yaml has no service ${name}`);
    return found;
  };

  it("is valid against the Compose specification's schema", () => {
    expect(composeSchemaErrors(compose)).toEqual([]);
  });

  it("rejects a broken file (the schema check is live)", () => {
    const broken = parseCompose(
      text.replace("restart: unless-stopped\n    healthcheck:", "restrat: no\n    healthcheck:"),
    );
    expect(composeSchemaErrors(broken).join("\n")).toMatch(/additional properties/);
  });

  it("runs the proxy, Prometheus, Grafana, Jaeger and node-exporter, plus the demo services", () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        "grafana",
        "jaeger",
        "node-exporter",
        "prometheus",
        "proxy",
        "proxy-lb",
        "proxy-demo",
        "simulator",
        "traffic",
      ].sort(),
    );
  });

  it("pins every image to an exact version and builds the app image from the Containerfile", () => {
    for (const [name, spec] of services) {
      if (spec.build !== undefined) {
        expect(spec.build.dockerfile, name).toBe("Containerfile");
        expect(spec.image, name).toBe(service("proxy").image);
      } else {
        expect(spec.image, name).toMatch(exactVersion);
      }
    }
    expect(service("prometheus").image).toMatch(/^prom\/prometheus:v3\./);
    expect(service("grafana").image).toMatch(/^grafana\/grafana:12\./);
  });

  it("publishes ports on 127.0.0.1 only, with the seed's port variables", () => {
    const published = services.flatMap(([, spec]) => spec.ports ?? []);
    expect(published.length).toBeGreaterThanOrEqual(3);
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:/);
    const ports = (name: string) => (service(name).ports ?? []).map(withDefaults);
    expect(ports("proxy")).toEqual([]);
    expect(ports("proxy-lb")).toEqual(["127.0.0.1:8000:8000"]);
    expect(ports("prometheus")).toEqual(["127.0.0.1:9090:9090"]);
    expect(ports("grafana")).toEqual(["127.0.0.1:3000:3000"]);
    expect(service("proxy-lb").ports?.[0]).toContain("APP_PORT:-");
    expect(service("prometheus").ports?.[0]).toContain("PROM_PORT:-");
    expect(service("grafana").ports?.[0]).toContain("GRAFANA_PORT:-");
  });

  it("gives every variable a default, the seed's .env variables included", () => {
    const used = [...text.matchAll(/\$\{(\w+)([^}]*)\}/g)];
    for (const [whole, , rest] of used) expect(rest, whole).toMatch(/^:?-/);
    const names = new Set(used.map(([, name]) => name));
    for (const name of seedVariables) expect(names, name).toContain(name);
  });

  it("keeps Prometheus and Grafana data in named volumes", () => {
    const declared = Object.keys(compose.volumes ?? {});
    const named = (mounts: readonly string[] = [], target: string) =>
      mounts
        .map((mount) => mount.split(":"))
        .find(([source, to]) => to === target && declared.includes(source ?? ""));
    expect(named(service("prometheus").volumes, "/prometheus")).toBeDefined();
    expect(named(service("grafana").volumes, "/var/lib/grafana")).toBeDefined();
  });

  it("has a health check and a restart policy on every service (the traffic client opts out of checks)", () => {
    for (const [name, spec] of services) {
      expect(spec.restart, name).toMatch(/^(unless-stopped|always|on-failure)/);
      if (name === "traffic") expect(spec.healthcheck?.disable).toBe(true);
      else expect(spec.healthcheck?.test?.[0], name).toBe("CMD");
    }
  });

  it("adds the simulator and the traffic generator in the demo profile only", () => {
    for (const [name, spec] of services) {
      const demo = name === "simulator" || name === "traffic" || name === "proxy-demo";
      expect(spec.profiles ?? [], name).toEqual(demo ? ["demo"] : []);
    }
    expect(service("simulator").command).toEqual(["node", "dist/simulator/main.js"]);
    expect(service("simulator").environment?.SIM_HOST).toBe("0.0.0.0");
    expect(service("traffic").command).toEqual(["node", "dist/demo/traffic-loop.js"]);
    expect(service("traffic").environment?.PROXY_URL).toBe("http://proxy-demo:8000");
    expect(service("traffic").depends_on?.["proxy-demo"]?.condition).toBe("service_healthy");
    expect(service("proxy-demo").environment?.OPENAI_BASE_URL).toBe(
      `http://simulator:${service("simulator").environment?.SIM_PORT}/v1`,
    );
  });

  it("points the proxy at OpenAI by default and documents the demo's one command", () => {
    const env = service("proxy").environment ?? {};
    expect(withDefaults(env.OPENAI_BASE_URL ?? "")).toBe("https://api.openai.com/v1");
    expect(env.APP_HOST).toBe("0.0.0.0");
    expect(text).toContain("#   docker compose --profile demo up -d --build\n");
  });

  it("lets Prometheus find both proxies by DNS, so the demo's is scraped only while it runs", () => {
    const prometheusYml = parse(readFileSync(join(repoRoot, "prometheus/prometheus.yml"), "utf8"));
    const job = prometheusYml.scrape_configs.find(
      (each: { job_name: string }) => each.job_name === "llm-proxy",
    );
    expect(job.dns_sd_configs).toEqual([
      { names: ["proxy", "proxy-demo"], type: "A", port: 8000, refresh_interval: "5s" },
    ]);
    for (const name of ["proxy", "proxy-demo"]) expect(service(name).environment?.APP_PORT).toBe("8000");
  });

  it("mounts the configuration where prometheus.yml and the Grafana provider expect it", () => {
    expect(service("prometheus").volumes).toContain("./prometheus:/etc/prometheus:ro");
    const providers = parse(
      readFileSync(join(repoRoot, "grafana/provisioning/dashboards/llm-observability.yml"), "utf8"),
    ) as { providers: { options: { path: string } }[] };
    const dashboardsPath = providers.providers[0]?.options.path;
    expect(service("grafana").volumes).toContain(`./grafana/dashboards:${dashboardsPath}:ro`);
    expect(service("grafana").volumes).toContain("./grafana/provisioning:/etc/grafana/provisioning:ro");
  });

  it("joins traces and metrics: Jaeger takes OTLP, Prometheus keeps exemplars, Grafana links them", () => {
    const jaeger = service("jaeger");
    expect(jaeger.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect((jaeger.ports ?? []).map(withDefaults)).toEqual(["127.0.0.1:16686:16686", "127.0.0.1:4318:4318"]);
    expect(jaeger.command).toContain("receivers.otlp.protocols.http.endpoint=0.0.0.0:4318");
    expect(service("prometheus").command).toContain("--enable-feature=exemplar-storage");
    // The demo's proxy traces to Jaeger's OTLP/HTTP port; the main one when .env says so.
    expect(service("proxy-demo").environment?.OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://jaeger:4318");
    expect(withDefaults(service("proxy").environment?.OTEL_EXPORTER_OTLP_ENDPOINT ?? "x")).toBe("");
    const datasources = (file: string) =>
      (
        parse(readFileSync(join(repoRoot, "grafana/provisioning/datasources", file), "utf8")) as {
          datasources: { uid: string; type: string; url: string; jsonData?: Record<string, unknown> }[];
        }
      ).datasources;
    const [jaegerSource] = datasources("jaeger.yml");
    expect(jaegerSource).toMatchObject({ type: "jaeger", url: "http://jaeger:16686" });
    const [prometheus] = datasources("prometheus.yml");
    expect(prometheus?.jsonData?.exemplarTraceIdDestinations).toEqual([
      { name: "trace_id", datasourceUid: jaegerSource?.uid },
    ]);
  });
});
