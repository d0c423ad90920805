import { isUtf8 } from "node:buffer";

/** Characters a path needs before it can hide a dot segment; any other path is let through at once. */
const suspicious = /[.%\\;\x80-\xff]/;
const percentEscape = /%([0-9a-f]{2})|%u([0-9a-f]{4})/gi;
/** Decoding rounds: a path still encoded after three (%25252e) is refused rather than decoded further. */
const maxRounds = 3;

/**
 * Whether `path` could climb out of the upstream's base path (e.g. /openai/v1) on a server that decodes
 * or normalises more than the proxy does. A conforming server treats `%2F` as data, but an nginx with a
 * path in `proxy_pass` decodes it and then resolves `..`; IIS reads `\` and `%u002e`; Tomcat drops
 * `;params`; some servers decode twice, or read overlong UTF-8 (`%c0%ae`) as `.`. So the path is
 * decoded round by round and refused when any form of it has a `.` or `..` segment, split at `/` and
 * `\`, with `;…` cut off each segment, or bytes that are not UTF-8.
 */
export function climbsOut(path: string): boolean {
  if (!suspicious.test(path)) return false;
  let current = path;
  for (let round = 0; round < maxRounds; round++) {
    if (hasDotSegment(current) || !isUtf8(Buffer.from(current, "latin1"))) return true;
    const decoded = current.replace(percentEscape, decodeEscape);
    if (decoded === current) return false;
    current = decoded;
  }
  return true;
}

function hasDotSegment(path: string): boolean {
  for (const segment of path.split(/[/\\]/)) {
    const name = segment.split(";", 1)[0];
    if (name === "." || name === "..") return true;
  }
  return false;
}

/** One escape as the byte (or, for %uXXXX, the character) it stands for, kept in Node's latin1 URL form. */
function decodeEscape(_match: string, byte: string | undefined, unit: string | undefined): string {
  if (byte !== undefined) return String.fromCharCode(Number.parseInt(byte, 16));
  const code = Number.parseInt(unit ?? "", 16);
  return code < 0x80
    ? String.fromCharCode(code)
    : Buffer.from(String.fromCharCode(code), "utf8").toString("latin1");
}
