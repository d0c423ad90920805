import type { TextMapPropagator, Tracer } from "@opentelemetry/api";
import type { Sampler } from "@opentelemetry/sdk-trace-base";
import type { TracingConfig } from "../config/tracing.js";

export interface TracingSdk {
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

type SdkModule = typeof import("@opentelemetry/sdk-trace-base");

/**
 * Loads the SDK and the one exporter the protocol needs. Only ever called with tracing on: these
 * modules are imported here and nowhere else, so a proxy without tracing never loads them
 * (test/tracing/tracing-off.test.ts checks). The `-proto` exporter sends http/protobuf, the `-http`
 * one http/json: https://opentelemetry.io/docs/specs/otel/protocol/exporter/
 */
export async function loadTracingSdk(
  config: TracingConfig,
  onExportError: (err: unknown) => void,
): Promise<TracingSdk> {
  const [sdk, core, resources, exporters] = await Promise.all([
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/core"),
    import("@opentelemetry/resources"),
    config.protocol === "http/json"
      ? import("@opentelemetry/exporter-trace-otlp-http")
      : import("@opentelemetry/exporter-trace-otlp-proto"),
  ]);
  // The SDK reports a failed export here; its default handler writes to a diagnostic logger nobody set.
  core.setGlobalErrorHandler(onExportError);
  const exporter = new exporters.OTLPTraceExporter({ url: config.url, headers: { ...config.headers } });
  // With SDK 2.x, nothing applies OTEL_SERVICE_NAME to a resource built by hand.
  const resource = resources.resourceFromAttributes({
    ...config.resourceAttributes,
    "service.name": config.serviceName,
  });
  const provider = new sdk.BasicTracerProvider({
    resource,
    sampler: createSampler(sdk, config),
    spanProcessors: [new sdk.BatchSpanProcessor(exporter)],
  });
  return {
    tracer: provider.getTracer("llm-observability-proxy"),
    propagator: new core.W3CTraceContextPropagator(),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** OTEL_TRACES_SAMPLER's values: https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#general-sdk-configuration */
function createSampler(sdk: SdkModule, { sampler, samplerRatio }: TracingConfig): Sampler {
  const root = (name: string): Sampler => {
    if (name === "always_off") return new sdk.AlwaysOffSampler();
    if (name === "traceidratio") return new sdk.TraceIdRatioBasedSampler(samplerRatio);
    return new sdk.AlwaysOnSampler();
  };
  if (!sampler.startsWith("parentbased_")) return root(sampler);
  return new sdk.ParentBasedSampler({ root: root(sampler.slice("parentbased_".length)) });
}
