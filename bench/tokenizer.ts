import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { estimateCompletionTokens } from "../src/usage/tokenizer.js";

// The estimator's worst inputs, runs without spaces (one word of the tokenizer's pre-split), next to
// ordinary text: counted whole by gpt-tokenizer, and as the proxy counts them. `npm run bench:tokenizer`.
const model = "gpt-4o-mini";
const wholeUpToChars = 65_536;
let seed = 7;
const nextLetter = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return String.fromCharCode(97 + Math.floor((seed / 2_147_483_648) * 26));
};

const inputs: Record<string, (chars: number) => string> = {
  "english prose": (chars) =>
    "The quick brown fox jumps over the lazy dog, then naps.\n".repeat(chars / 50).slice(0, chars),
  '"a" repeated': (chars) => "a".repeat(chars),
  spaces: (chars) => " ".repeat(chars),
  '"é" repeated': (chars) => "é".repeat(chars),
  "random lowercase letters": (chars) => Array.from({ length: chars }, nextLetter).join(""),
};

function timed(count: (text: string) => number, text: string): string {
  const started = performance.now();
  const tokens = count(text);
  return `${tokens} in ${(performance.now() - started).toFixed(1)} ms`;
}

function main(): void {
  timed(countTokens, "warm both encoders up");
  estimateCompletionTokens(model, "warm both encoders up");
  const sizes = (process.argv[2] ?? "16384,65536,1048576").split(",").map(Number);
  process.stdout.write(
    "| input | characters | counted whole | counted by the proxy |\n|---|---:|---:|---:|\n",
  );
  for (const [name, make] of Object.entries(inputs)) {
    for (const chars of sizes) {
      const text = make(chars);
      const whole = chars <= wholeUpToChars ? timed(countTokens, text) : "(not tried)";
      const proxy = timed((all) => estimateCompletionTokens(model, all), text);
      process.stdout.write(`| ${name} | ${chars} | ${whole} | ${proxy} |\n`);
    }
  }
}

main();
