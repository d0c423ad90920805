import type { Env } from "./env-file.js";
import { ConfigError, readChoice, readNumber, readOptional, readString, readUrl } from "./parsers.js";

export type OtlpProtocol = "http/protobuf" | "http/json";

export type SamplerName =
  | "always_on"
  | "always_off"
  | "traceidratio"
  | "parentbased_always_on"
  | "parentbased_always_off"
  | "parentbased_traceidratio";

/** OpenTelemetry's own variables, read like every other setting (the environment over `.env`). */
export interface TracingConfig {
  /** Where spans are posted, e.g. http://collector:4318/v1/traces. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly sampler: SamplerName;
  /** The ratio of the *traceidratio samplers, from 0 to 1. */
  readonly samplerRatio: number;
}

const protocols: readonly OtlpProtocol[] = ["http/protobuf", "http/json"];
const samplers: readonly SamplerName[] = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
];

/**
 * Tracing is on when an OTLP endpoint is set and OTEL_SDK_DISABLED is not true; undefined means off.
 * https://opentelemetry.io/docs/specs/otel/protocol/exporter/ and
 * https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
export function readTracingConfig(env: Env): TracingConfig | undefined {
  if (readOptional(env, "OTEL_SDK_DISABLED")?.toLowerCase() === "true") return undefined;
  const url = tracesUrl(env);
  if (url === undefined) return undefined;
  const protocolVariable =
    readOptional(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") === undefined
      ? "OTEL_EXPORTER_OTLP_PROTOCOL"
      : "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
  const resource = readKeyValues(env, "OTEL_RESOURCE_ATTRIBUTES");
  return Object.freeze({
    url,
    protocol: readChoice(env, protocolVariable, protocols, "http/protobuf"),
    headers: Object.freeze({
      ...readKeyValues(env, "OTEL_EXPORTER_OTLP_HEADERS"),
      ...readKeyValues(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
    }),
    // OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES.
    serviceName: readString(env, "OTEL_SERVICE_NAME", resource["service.name"] ?? "llm-observability-proxy"),
    resourceAttributes: Object.freeze(resource),
    sampler: readChoice(env, "OTEL_TRACES_SAMPLER", samplers, "parentbased_always_on"),
    samplerRatio: readNumber(env, "OTEL_TRACES_SAMPLER_ARG", 1, { min: 0, max: 1 }),
  });
}

/** The signal's own endpoint is used as it is; the general one gets `v1/traces` appended. */
function tracesUrl(env: Env): string | undefined {
  if (readOptional(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") !== undefined) {
    return readUrl(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").href;
  }
  if (readOptional(env, "OTEL_EXPORTER_OTLP_ENDPOINT") === undefined) return undefined;
  const base = readUrl(env, "OTEL_EXPORTER_OTLP_ENDPOINT", "").href;
  return `${base.endsWith("/") ? base : `${base}/`}v1/traces`;
}

/**
 * `key=value` pairs separated by commas, values percent-encoded (W3C Baggage's format), as
 * OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES take them. An error names the entry by its
 * position only: a header value is often a credential.
 */
function readKeyValues(env: Env, name: string): Record<string, string> {
  const raw = readOptional(env, name);
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  const entries = raw.split(",").filter((entry) => entry.trim() !== "");
  entries.forEach((entry, i) => {
    const equals = entry.indexOf("=");
    const key = equals > 0 ? entry.slice(0, equals).trim() : "";
    const value = equals > 0 ? decode(entry.slice(equals + 1).trim()) : undefined;
    if (key === "" || value === undefined) {
      throw new ConfigError(name, "comma-separated key=value pairs", `<entry ${i + 1} of ${entries.length}>`);
    }
    out[key] = value;
  });
  return out;
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
