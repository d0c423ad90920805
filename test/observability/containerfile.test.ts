import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  execForm,
  inBuildContext,
  parseInstructions,
  parseStages,
  type Stage,
} from "./containerfile-parser.js";
import { repoRoot } from "./tools.js";

const text = readFileSync(join(repoRoot, "Containerfile"), "utf8");
const dockerignore = readFileSync(join(repoRoot, ".dockerignore"), "utf8");
const stages = parseStages(text);

function args(stage: Stage | undefined, keyword: string): string[] {
  return (stage?.instructions ?? []).filter((i) => i.keyword === keyword).map((i) => i.args);
}

describe("the container parser", () => {
  it("joins continued lines, skips comments and keeps stage names", () => {
    const parsed = parseStages(
      "# c\nFROM a:1.2.3 AS one\nRUN x \\\n  # inside\n  && y\nFROM one\nUSER 1000\n",
    );
    expect(parsed.map((s) => [s.from.repository, s.from.tag, s.name])).toEqual([
      ["a", "1.2.3", "one"],
      ["one", undefined, undefined],
    ]);
    expect(parseInstructions("RUN x \\\n  && y")[0]?.args).toBe("x && y");
  });

  it("applies .dockerignore with the last matching pattern winning", () => {
    const rules = "*\n!src/\nsrc/secret\n";
    expect(
      [".env", "src/a.ts", "src/secret/key", "node_modules/x"].map((p) => inBuildContext(rules, p)),
    ).toEqual([false, true, false, false]);
  });
});

describe("Containerfile", () => {
  const final = stages.at(-1);

  it("is multi-stage, every stage FROM an exactly pinned image", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const names = new Set(stages.flatMap((stage) => (stage.name === undefined ? [] : [stage.name])));
    for (const { from } of stages) {
      if (names.has(from.repository)) continue;
      expect(from.tag ?? from.digest, from.repository).toBeDefined();
      expect(from.tag ?? "", from.repository).not.toMatch(/^(latest|lts|current)/);
      if (from.digest === undefined) expect(from.tag, from.repository).toMatch(/^\d+\.\d+\.\d+/);
    }
    expect(stages[0]?.from.repository).toBe("node");
  });

  it("builds with npm ci and npm run build in a build stage", () => {
    const build = stages[0];
    expect(build?.name).toBeDefined();
    expect(args(build, "RUN").join("\n")).toMatch(/npm ci/);
    expect(args(build, "RUN").join("\n")).toMatch(/npm run build/);
  });

  it("installs production dependencies only in the runtime stage and copies dist from the build", () => {
    const runs = args(final, "RUN").join("\n");
    expect(runs).toMatch(/npm ci [^\n]*--omit=dev/);
    expect(runs).not.toMatch(/npm run build/);
    expect(args(final, "COPY")).toContainEqual(
      expect.stringMatching(`^--from=${stages[0]?.name} /app/dist `),
    );
  });

  it("runs as a user that is not root", () => {
    const user = args(final, "USER").at(-1);
    expect(user).toBeDefined();
    expect(user?.split(":")[0]).not.toMatch(/^(root|0)$/);
  });

  it("exposes 8000, checks /healthz with node (no curl) and starts dist/main.js", () => {
    expect(args(final, "EXPOSE")).toContain("8000");
    const healthcheck = args(final, "HEALTHCHECK").at(-1) ?? "";
    const command = execForm(healthcheck.slice(healthcheck.indexOf("CMD") + 3).trim());
    expect(command?.[0]).toBe("node");
    expect(command?.join(" ")).toContain("/healthz");
    expect(execForm(args(final, "CMD").at(-1) ?? "")).toEqual(["node", "dist/main.js"]);
  });

  it("copies only what .dockerignore lets into the build context, and keeps secrets out", () => {
    const sources = stages.flatMap((stage) =>
      args(stage, "COPY")
        .filter((a) => !a.startsWith("--from"))
        .flatMap((a) =>
          a
            .split(/\s+/)
            .filter((w) => !w.startsWith("--"))
            .slice(0, -1),
        ),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(inBuildContext(dockerignore, source), source).toBe(true);
    for (const secret of [
      ".env",
      ".git/config",
      "node_modules/x/index.js",
      "dist/main.js",
      "bench/results/a",
    ]) {
      expect(inBuildContext(dockerignore, secret), secret).toBe(false);
    }
  });
});
