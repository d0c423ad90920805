import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readSources, renderGenerated } from "./generated.js";

/** Rewrites the generated manifests: `npm run kubernetes:generate`. */
function main(): void {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  for (const file of renderGenerated(readSources(root))) {
    writeFileSync(join(root, file.path), file.text);
    console.log(`wrote ${file.path}`);
  }
}

main();
