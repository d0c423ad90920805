import type { IncomingHttpHeaders } from "node:http";
import { refusedKey } from "../config/client-keys.js";
import type { Attribution, Caller } from "../metrics/types.js";
import { createValueReader, type RequestBody } from "./request-values.js";
import { cleanValue, createValueLabeler } from "./value-labeler.js";

export interface Attributor {
  /** No client key shown (refused, or not yet read): key="none" and empty values. */
  readonly unidentified: Attribution;
  /** Reads the request's values once; `keyName` is what client auth matched. */
  resolve(keyName: string, headers: IncomingHttpHeaders, body: RequestBody): Attribution;
}

export interface AttributorOptions {
  readonly keysConfigured: boolean;
  readonly labels: readonly string[];
  readonly maxValues: number;
  /** The callers' series, values in `callerLabelNames` order. */
  readonly callers: (values: readonly string[]) => Caller;
  /** The only attribution when nothing is configured. */
  readonly anonymous: Attribution;
  readonly onOverflow: (label: string) => void;
}

/** The labels the counters carry besides their own: `key` with client keys, then the dimensions. */
export const callerLabelNames = (keysConfigured: boolean, labels: readonly string[]): string[] =>
  keysConfigured ? ["key", ...labels] : [...labels];

export function createAttributor(options: AttributorOptions): Attributor {
  const { keysConfigured, labels } = options;
  if (!keysConfigured && labels.length === 0) {
    const { anonymous } = options;
    return { unidentified: anonymous, resolve: () => anonymous };
  }
  const readers = labels.map(createValueReader);
  const labelers = labels.map((label) =>
    createValueLabeler({ maxValues: options.maxValues, onOverflow: () => options.onOverflow(label) }),
  );
  const attribution = (keyName: string, values: readonly string[]): Attribution => {
    const capped = values.map((value, i) => (labelers[i] as (v: string) => string)(value));
    const caller = options.callers(keysConfigured ? [keyName, ...capped] : capped);
    const logged: Record<string, string> = keysConfigured ? { key: keyName } : {};
    labels.forEach((label, i) => {
      if (values[i] !== "") logged[label] = values[i] as string;
    });
    return { caller, logged };
  };
  return {
    // Refused requests take no place under any cap: a caller without a key cannot crowd out values.
    unidentified: attribution(
      refusedKey,
      labels.map(() => ""),
    ),
    resolve: (keyName, headers, body) =>
      attribution(
        keyName,
        readers.map((read) => cleanValue(read(headers, body))),
      ),
  };
}
