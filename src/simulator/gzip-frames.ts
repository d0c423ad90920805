import { constants, crc32, deflateRawSync } from "node:zlib";

/**
 * A gzip stream written frame by frame, each frame compressed and flushed at once, as a gateway that
 * compresses event streams sends it. Every frame is its own raw deflate run ending in a sync flush; runs
 * of non-final blocks concatenate into one valid deflate stream, which the gzip header opens and the last
 * block, CRC-32 and length close (RFC 1951 §3.2.3, RFC 1952 §2.3).
 */
export interface GzipFrames {
  /** The compressed bytes of `text`, the gzip header before the first frame. */
  frame(text: string): Buffer;
  /** The final empty block and the trailer. */
  end(): Buffer;
}

// ID1 ID2, CM deflate, no flags, no mtime, no extra flags, OS Unix.
const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]);
const syncFlush = { finishFlush: constants.Z_SYNC_FLUSH };

export function createGzipFrames(): GzipFrames {
  let started = false;
  let crc = 0;
  let size = 0;
  return {
    frame(text) {
      const bytes = Buffer.from(text);
      crc = crc32(bytes, crc);
      size = (size + bytes.length) >>> 0;
      const deflated = deflateRawSync(bytes, syncFlush);
      if (started) return deflated;
      started = true;
      return Buffer.concat([header, deflated]);
    },
    end() {
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(crc >>> 0, 0);
      trailer.writeUInt32LE(size, 4);
      const last = deflateRawSync(Buffer.alloc(0));
      return Buffer.concat(started ? [last, trailer] : [header, last, trailer]);
    },
  };
}
