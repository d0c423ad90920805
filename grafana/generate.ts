import { writeFileSync } from "node:fs";
import { renderDashboard } from "./dashboard.js";

/** Rewrites the provisioned dashboard from grafana/dashboard.ts: `npx tsx grafana/generate.ts`. */
function main(): void {
  const target = new URL("./dashboards/llm-observability.json", import.meta.url);
  writeFileSync(target, renderDashboard());
  console.log(`wrote ${target.pathname}`);
}

main();
