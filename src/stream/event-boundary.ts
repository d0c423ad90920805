const lf = 0x0a;
const cr = 0x0d;

/**
 * Length of the line terminator at `i` (CRLF, LF or CR), 0 when there is none, and -1 when a CR is the
 * last byte available: it may be the first half of a CRLF, so the caller waits for the next chunk.
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream
 */
function terminatorAt(buf: Uint8Array, i: number): number {
  const byte = buf[i];
  if (byte === lf) return 1;
  if (byte !== cr) return 0;
  if (i + 1 >= buf.length) return -1;
  return buf[i + 1] === lf ? 2 : 1;
}

/**
 * Index just past the blank line that ends the first complete event at or after `from`, or -1 when the
 * buffer holds no complete event yet.
 */
export function findEventEnd(buf: Buffer, from: number, hasCr = buf.indexOf(cr, from) >= 0): number {
  // OpenAI frames with LF only: a native search serves that case, the byte loop the rest. A caller that
  // scans one buffer repeatedly passes `hasCr` once, since each native call costs a C++ round trip
  // (Buffer#indexOf was 5% of the proxy's CPU on streams: bench/results/profile.md). The search is for
  // one LF (memchr), not for the two-byte blank line, which took 5 times as long per event; a JSON data
  // line holds no raw LF, so the first one found usually ends the event.
  if (!hasCr) {
    for (let at = buf.indexOf(lf, from); at >= 0; at = buf.indexOf(lf, at + 1)) {
      if (buf[at + 1] === lf) return at + 2;
    }
    return -1;
  }
  for (let i = from; i < buf.length; i++) {
    const first = terminatorAt(buf, i);
    if (first === 0) continue;
    if (first < 0) return -1;
    const second = terminatorAt(buf, i + first);
    if (second < 0 || i + first >= buf.length) return -1;
    if (second > 0) return i + first + second;
    i += first - 1;
  }
  return -1;
}
