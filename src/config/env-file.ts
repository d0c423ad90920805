import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The process environment over the `.env` file of the working directory, when there is one: a variable
 * set in the environment wins, as with docker compose and dotenv.
 */
export function readEnvironment(cwd: string = process.cwd(), env: Env = process.env): Env {
  const path = resolve(cwd, ".env");
  if (!existsSync(path)) return env;
  const fromFile = parseEnv(readFileSync(path, "utf8")) as Record<string, string>;
  return { ...fromFile, ...env };
}
