import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { readTracingConfig } from "../../src/config/tracing.js";

describe("readTracingConfig", () => {
  it("is off without an OTLP endpoint, and the whole config says so", () => {
    expect(readTracingConfig({})).toBeUndefined();
    expect(
      readTracingConfig({ OTEL_SERVICE_NAME: "x", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }),
    ).toBeUndefined();
    expect(parseConfig({}).tracing).toBeUndefined();
  });

  it("appends v1/traces to the general endpoint, with or without a path or a trailing slash", () => {
    const url = (endpoint: string) => readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })?.url;
    expect(url("http://collector:4318")).toBe("http://collector:4318/v1/traces");
    expect(url("http://collector:4318/")).toBe("http://collector:4318/v1/traces");
    expect(url("https://gateway.example/otlp")).toBe("https://gateway.example/otlp/v1/traces");
  });

  it("uses the traces endpoint as it is, over the general one", () => {
    const config = readTracingConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://general:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:4318/custom/path",
    });
    expect(config?.url).toBe("http://traces:4318/custom/path");
  });

  it("has OpenTelemetry's defaults", () => {
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces" })).toEqual({
      url: "http://c:4318/v1/traces",
      protocol: "http/protobuf",
      headers: {},
      serviceName: "llm-observability-proxy",
      resourceAttributes: {},
      sampler: "parentbased_always_on",
      samplerRatio: 1,
    });
  });

  it("reads the protocol, the signal's own over the general one", () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" };
    expect(readTracingConfig({ ...base, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" })?.protocol).toBe(
      "http/json",
    );
    expect(
      readTracingConfig({
        ...base,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf",
      })?.protocol,
    ).toBe("http/protobuf");
    expect(() => readTracingConfig({ ...base, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL.*http\/protobuf, http\/json/,
    );
  });

  it("merges the headers, percent-decoded, the signal's own winning", () => {
    const config = readTracingConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Basic%20abc, x-tenant=a",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-tenant=b",
    });
    expect(config?.headers).toEqual({ authorization: "Basic abc", "x-tenant": "b" });
  });

  it("refuses a malformed header without printing its value", () => {
    const read = () =>
      readTracingConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
        OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20ok,secret-token-without-a-name",
      });
    expect(read).toThrow(/OTEL_EXPORTER_OTLP_HEADERS.*entry 2 of 2/);
    expect(read).not.toThrow(/secret-token/);
  });

  it("takes the service name from OTEL_SERVICE_NAME, then OTEL_RESOURCE_ATTRIBUTES", () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" };
    const fromResource = readTracingConfig({
      ...base,
      OTEL_RESOURCE_ATTRIBUTES: "service.name=from-resource,deployment.environment.name=prod",
    });
    expect(fromResource?.serviceName).toBe("from-resource");
    expect(fromResource?.resourceAttributes).toEqual({
      "service.name": "from-resource",
      "deployment.environment.name": "prod",
    });
    const named = readTracingConfig({
      ...base,
      OTEL_SERVICE_NAME: "gateway",
      OTEL_RESOURCE_ATTRIBUTES: "service.name=from-resource",
    });
    expect(named?.serviceName).toBe("gateway");
  });

  it("reads the sampler and its ratio, and refuses what it cannot honour", () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" };
    const config = readTracingConfig({
      ...base,
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
    });
    expect(config).toMatchObject({ sampler: "parentbased_traceidratio", samplerRatio: 0.25 });
    expect(() => readTracingConfig({ ...base, OTEL_TRACES_SAMPLER: "jaeger_remote" })).toThrow(
      /OTEL_TRACES_SAMPLER/,
    );
    expect(() => readTracingConfig({ ...base, OTEL_TRACES_SAMPLER_ARG: "2" })).toThrow(
      /OTEL_TRACES_SAMPLER_ARG/,
    );
  });

  it("stays off with OTEL_SDK_DISABLED=true, and refuses an endpoint that is no URL", () => {
    expect(
      readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" }),
    ).toBe(undefined);
    expect(() => readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});
