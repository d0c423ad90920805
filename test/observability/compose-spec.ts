import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parse } from "yaml";
import { repoRoot } from "./tools.js";

/** The parts of a Compose file the tests look at; the schema checks the rest. */
export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context?: string; readonly dockerfile?: string };
  readonly command?: readonly string[];
  readonly profiles?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly ports?: readonly string[];
  readonly volumes?: readonly string[];
  readonly restart?: string;
  readonly container_name?: string;
  readonly stop_grace_period?: string;
  readonly healthcheck?: { readonly test?: readonly string[]; readonly disable?: boolean };
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
}

export interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}

export function readComposeText(): string {
  return readFileSync(join(repoRoot, "compose.yaml"), "utf8");
}

/** YAML merge keys (`<<: *app`) are part of Compose files, so they are resolved as Compose does. */
export function parseCompose(text: string): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}

/** Replaces `${VAR:-default}` and `${VAR-default}` by their defaults, as with an empty environment. */
export function withDefaults(value: string): string {
  return value.replace(
    /\$\{(\w+)(?::?-([^}]*))?\}/g,
    (_, _name: string, fallback?: string) => fallback ?? "",
  );
}

/**
 * The Compose specification's JSON schema, as shipped by the dclint package (which keeps a copy of
 * compose-spec/compose-spec's schema/compose-spec.json): https://github.com/compose-spec/compose-spec
 */
function composeSchema(): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve("dclint/package.json");
  } catch {
    throw new Error(
      "the Compose schema comes from the dclint devDependency: npm install --save-dev dclint ajv",
    );
  }
  const schemaFile = join(dirname(packageJson), "schemas", "compose.schema.json");
  const { $schema: _metaSchema, ...schema } = JSON.parse(readFileSync(schemaFile, "utf8")) as Record<
    string,
    unknown
  >;
  return schema;
}

let validator: ValidateFunction | undefined;

/** Schema violations of the parsed file, one readable line each; empty when it is valid. */
export function composeSchemaErrors(document: unknown): string[] {
  // The schema uses draft-07 keywords Ajv knows plus annotations ("deprecated") it should ignore.
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(composeSchema());
  const validate = validator;
  if (validate(document)) return [];
  return (validate.errors ?? []).map(
    (error: ErrorObject) =>
      `${error.instancePath || "/"} ${error.message ?? ""} ${JSON.stringify(error.params)}`,
  );
}
