import { cpus } from "node:os";
import { defaultLatencyBuckets } from "../metrics/definitions.js";
import { type AttributionConfig, readAttribution } from "./attribution-labels.js";
import { type ClientKey, readClientKeys } from "./client-keys.js";
import type { Env } from "./env-file.js";
import {
  ConfigError,
  readBuckets,
  readChoice,
  readNumber,
  readOptional,
  readString,
  readUrl,
} from "./parsers.js";
import { readTracingConfig, type TracingConfig } from "./tracing.js";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
const logLevels: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export interface Config {
  readonly port: number;
  readonly host: string;
  /** The upstream, without a trailing slash, e.g. https://api.openai.com/v1. Fixed: no request can change it. */
  readonly upstreamBaseUrl: string;
  readonly openaiApiKey: string | undefined;
  readonly defaultModel: string;
  /** Longest wait for the upstream's headers, and longest silence between two body chunks. */
  readonly upstreamTimeoutMs: number;
  readonly latencyBuckets: readonly number[];
  readonly maxBodyBytes: number;
  readonly maxModelLabels: number;
  /** PROXY_API_KEYS or PROXY_API_KEYS_FILE; empty when every request is let through. */
  readonly clientKeys: readonly ClientKey[];
  readonly attribution: AttributionConfig;
  readonly metricsToken: string | undefined;
  readonly logLevel: LogLevel;
  readonly shutdownGraceMs: number;
  readonly pricesFile: string | undefined;
  readonly workers: number;
  readonly upstreamConnections: number;
  /** OpenTelemetry tracing; undefined (off) unless an OTLP endpoint is set. */
  readonly tracing: TracingConfig | undefined;
}

const mib = 1024 * 1024;

function readWorkers(env: Env): number {
  const raw = readOptional(env, "WORKERS");
  if (raw === "auto") return cpus().length;
  return readNumber(env, "WORKERS", 1, { min: 1, max: 256, integer: true });
}

/** Reads and validates the whole configuration once, at start-up; throws a ConfigError naming the variable. */
export function parseConfig(env: Env): Config {
  const upstream = readUrl(env, "OPENAI_BASE_URL", "https://api.openai.com/v1");
  const host = readString(env, "APP_HOST", "127.0.0.1");
  if (/\s/.test(host)) throw new ConfigError("APP_HOST", "a host name or IP address", host);
  return Object.freeze({
    port: readNumber(env, "APP_PORT", 8000, { min: 0, max: 65535, integer: true }),
    host,
    upstreamBaseUrl: upstream.href.replace(/\/+$/, ""),
    openaiApiKey: readOptional(env, "OPENAI_API_KEY"),
    defaultModel: readString(env, "OPENAI_MODEL", "gpt-4o-mini"),
    upstreamTimeoutMs: readNumber(env, "OPENAI_TIMEOUT", 600, { min: 0.001, max: 86_400 }) * 1000,
    latencyBuckets: readBuckets(env, "LATENCY_BUCKETS", defaultLatencyBuckets),
    maxBodyBytes: readNumber(env, "MAX_BODY_BYTES", 32 * mib, { min: 1, integer: true }),
    maxModelLabels: readNumber(env, "MAX_MODEL_LABELS", 50, { min: 0, max: 10_000, integer: true }),
    clientKeys: readClientKeys(env),
    attribution: readAttribution(env),
    metricsToken: readOptional(env, "METRICS_TOKEN"),
    logLevel: readChoice(env, "LOG_LEVEL", logLevels, "info"),
    shutdownGraceMs: readNumber(env, "SHUTDOWN_GRACE_SECONDS", 120, { min: 0, max: 86_400 }) * 1000,
    pricesFile: readOptional(env, "PRICES_FILE"),
    workers: readWorkers(env),
    upstreamConnections: readNumber(env, "UPSTREAM_CONNECTIONS", 256, { min: 1, max: 65_536, integer: true }),
    tracing: readTracingConfig(env),
  });
}
