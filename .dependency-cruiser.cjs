// The proxy's import rules, checked by `npm run check:deps` in CI; docs/architecture.md explains them.
// https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md

/**
 * The proxy's folders, lowest floor first. A folder imports only from itself and the floors before it;
 * src/main.ts, src/server.ts and src/app.ts stand on top of them all. A new folder gets its place here
 * (the rule "folder-has-a-floor" fails until it has one).
 */
const floors = [
  "stream",
  "usage",
  "pricing",
  "metrics",
  "config",
  "logging",
  "attribution",
  "tracing",
  "proxy",
  "cluster",
];

const rootFiles = "src/[^/]+\\.ts$";
const apart = ["simulator", "demo"];

/** One rule per floor: nothing above it, no entry file, nothing of the simulator or the demo. */
const floorRules = floors.map((floor, index) => ({
  name: `${floor}-imports-only-lower-floors`,
  comment: `src/${floor}/ may import only ${floors.slice(0, index).join(", ") || "nothing of src"}`,
  severity: "error",
  from: { path: `^src/${floor}/` },
  to: { path: `^(?:src/(?:${[...floors.slice(index + 1), ...apart].join("|")})/|${rootFiles})` },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No two modules import each other, directly or through others (type imports included).",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    ...floorRules,
    {
      name: "folder-has-a-floor",
      comment:
        "Every folder of src/ is placed in `floors` above, or is a program of its own (simulator, demo).",
      severity: "error",
      from: { path: `^src/(?!(?:${[...floors, ...apart].join("|")})/)[^/]+/` },
      to: {},
    },
    {
      name: "proxy-path-not-to-simulator-or-demo",
      comment: "The simulator and the demo are programs of their own; the proxy never loads them.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(?:simulator|demo)/" },
      to: { path: "^src/(?:simulator|demo)/" },
    },
    {
      name: "simulator-stands-alone",
      comment: "The simulator plays the upstream; it shares no code with the proxy it is used to test.",
      severity: "error",
      from: { path: "^src/simulator/" },
      to: { path: "^src/", pathNot: "^src/simulator/" },
    },
    {
      name: "nothing-imports-the-demo",
      severity: "error",
      from: { pathNot: "^src/demo/" },
      to: { path: "^src/demo/" },
    },
    {
      name: "not-to-dev-dependency",
      comment:
        "The image installs production dependencies only (npm ci --omit=dev): src/ must not need the rest.",
      severity: "error",
      from: { path: "^src/" },
      to: { dependencyTypes: ["npm-dev", "npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to nothing is a typo or a missing dependency.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    // Packages' subpath exports (gpt-tokenizer/functionCalling) resolve as Node and TypeScript resolve them.
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "types", "default"],
      extensions: [".ts", ".js", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
