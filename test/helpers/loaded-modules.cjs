// Preloaded with NODE_OPTIONS=--require: at exit, prints the CommonJS modules the process loaded as one
// JSON line on stdout (the proxy's log is JSON lines too). The OpenTelemetry packages are CommonJS, so a
// dynamic import() of one lands in require.cache as well.
const { writeSync } = require("node:fs");

process.on("exit", () => {
  const modules = Object.keys(require.cache);
  writeSync(1, `${JSON.stringify({ msg: "loaded modules", modules })}\n`);
});
