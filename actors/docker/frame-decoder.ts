/** Stream types of Docker's multiplexed framing. */
export const STDOUT = 1;
export const STDERR = 2;
/** An in-band engine error (`Error grabbing logs: …`): reported, never stored as an app line. */
export const SYSTEM_ERR = 3;

/**
 * Decodes Docker's multiplexed stream: frames of an 8-byte header `[type, 0, 0, 0, size u32 BE]`
 * and `size` payload bytes. Headers and payloads may straddle chunks; each complete frame is
 * handed out whole. (docker-modem's demuxStream passes everything raw after an unknown type.)
 */
export class FrameDecoder {
  private header = Buffer.alloc(8);
  private headerFill = 0;
  private type = 0;
  private need = 0;
  private parts: Buffer[] = [];
  private partsLen = 0;

  /** Feeds a chunk; calls `onFrame` for every frame it completes. */
  push(chunk: Buffer, onFrame: (type: number, payload: Buffer) => void): void {
    let off = 0;
    while (off < chunk.length) {
      if (this.headerFill < 8) {
        const n = Math.min(8 - this.headerFill, chunk.length - off);
        chunk.copy(this.header, this.headerFill, off, off + n);
        this.headerFill += n;
        off += n;
        if (this.headerFill < 8) return;
        this.type = this.header[0]!;
        this.need = this.header.readUInt32BE(4);
        if (this.need === 0) {
          this.headerFill = 0;
          continue;
        }
      }
      const n = Math.min(this.need - this.partsLen, chunk.length - off);
      // A frame wholly inside this chunk is handed out as a view: no copy on the hot path.
      if (this.partsLen === 0 && n === this.need) {
        onFrame(this.type, chunk.subarray(off, off + n));
      } else {
        this.parts.push(chunk.subarray(off, off + n));
        this.partsLen += n;
        if (this.partsLen === this.need) {
          onFrame(this.type, Buffer.concat(this.parts, this.partsLen));
          this.parts = [];
          this.partsLen = 0;
        } else {
          off += n;
          continue;
        }
      }
      off += n;
      this.headerFill = 0;
    }
  }

  /** Bytes of an incomplete frame still held (for diagnostics at stream end). */
  get pendingBytes(): number {
    return this.headerFill + this.partsLen;
  }
}
