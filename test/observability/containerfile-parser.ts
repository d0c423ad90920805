/**
 * Just enough of the Dockerfile grammar for the image tests: line continuations, comments and parser
 * directives, instructions with their stage, and FROM references.
 * https://docs.docker.com/reference/dockerfile/#format
 */

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

export interface ImageRef {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export interface Stage {
  readonly index: number;
  readonly from: ImageRef;
  readonly name?: string;
  readonly instructions: Instruction[];
}

export function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = "";
  let startLine = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    // Comment lines may even sit inside a continued instruction, and are dropped there too.
    if (trimmed.startsWith("#") || (trimmed === "" && pending === "")) return;
    if (pending === "") startLine = index + 1;
    const continued = trimmed.endsWith("\\");
    pending += `${continued ? trimmed.slice(0, -1) : trimmed} `;
    if (continued) return;
    const [keyword = "", ...rest] = pending.trim().split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(" "), line: startLine });
    pending = "";
  });
  return instructions;
}

function parseImageRef(ref: string): ImageRef {
  const [withoutDigest = "", digest] = ref.split("@");
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  const repository = colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
  const tag = colon === -1 ? undefined : withoutDigest.slice(colon + 1);
  return { repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

export function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === "FROM") {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith("--"));
      const [image = "", as, name] = words;
      const stageName = as?.toUpperCase() === "AS" ? name : undefined;
      stages.push({
        index: stages.length,
        from: parseImageRef(image),
        ...(stageName === undefined ? {} : { name: stageName }),
        instructions: [],
      });
      continue;
    }
    const current = stages.at(-1);
    if (current === undefined) continue; // ARG before the first FROM
    current.instructions.push(instruction);
  }
  return stages;
}

/** An exec-form argument list (`["node", "x.js"]`), or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith("[")) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) && parsed.every((item) => typeof item === "string") ? parsed : undefined;
}

/**
 * Whether `path` (relative to the context) is sent to the builder under .dockerignore rules: the last
 * matching pattern wins, `!` re-includes, and a pattern matching a directory covers what is inside it.
 * https://docs.docker.com/build/concepts/context/#dockerignore-files
 */
export function inBuildContext(dockerignore: string, path: string): boolean {
  const rules = dockerignore
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const negated = line.startsWith("!");
      const pattern = (negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, "");
      return { negated, regex: globToRegExp(pattern) };
    });
  const parts = path.replace(/^\.\/|\/+$/g, "").split("/");
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  let included = true;
  for (const rule of rules) {
    if (prefixes.some((prefix) => rule.regex.test(prefix))) included = rule.negated;
  }
  return included;
}

function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? "";
    if (char === "*" && pattern[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}
