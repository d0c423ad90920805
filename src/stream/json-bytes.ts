const colon = 0x3a;

/** JSON's insignificant whitespace: https://www.rfc-editor.org/rfc/rfc8259#section-2 */
export const isJsonSpace = (byte: number | undefined): boolean =>
  byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** The index of the first byte at or after `at` that is not JSON whitespace. */
export function skipJsonSpace(bytes: Uint8Array, at: number): number {
  let i = at;
  while (isJsonSpace(bytes[i])) i++;
  return i;
}

/**
 * Where the value of a member starts, given the index just past its key's closing quote: the first byte
 * after the colon and any whitespace, or -1 when no colon follows (the quoted text was no key).
 */
export function valueAfterKey(bytes: Uint8Array, keyEnd: number): number {
  const at = skipJsonSpace(bytes, keyEnd);
  return bytes[at] === colon ? skipJsonSpace(bytes, at + 1) : -1;
}
