/**
 * A byte-level UTF-8 validator that works chunk by chunk and knows *where* a file stops being
 * UTF-8 (byte offset and line). TextDecoder's fatal mode only says "somewhere in this chunk",
 * which is not enough to point an admin at the bad place.
 */
export interface Utf8Problem {
  /** 0-based byte offset of the first byte of the broken sequence */
  readonly offset: number;
  /** 1-based line of that byte */
  readonly line: number;
  /** up to 4 bytes starting there, as hex ("A5 6C") */
  readonly bytes: string;
}

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

export class Utf8Scanner {
  /** bytes seen so far */
  offset = 0;
  /** newlines seen so far */
  newlines = 0;
  /** 0-based offset of the first multi-byte sequence, -1 if the text is pure ASCII so far */
  firstMultibyte = -1;
  private need = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private seqStart = 0;
  private seqLine = 1;
  private seqBytes: number[] = [];

  /** Feeds the next chunk; returns the first problem, or undefined when the chunk is fine so far. */
  push(chunk: Uint8Array): Utf8Problem | undefined {
    const base = this.offset;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.need === 0) {
        if (b < 0x80) {
          if (b === 0x0a) this.newlines++;
          continue;
        }
        this.seqStart = base + i;
        this.seqLine = this.newlines + 1;
        this.seqBytes = [b];
        if (b >= 0xc2 && b <= 0xdf) {
          this.need = 1;
        } else if (b >= 0xe0 && b <= 0xef) {
          this.need = 2;
          this.lower = b === 0xe0 ? 0xa0 : 0x80;
          this.upper = b === 0xed ? 0x9f : 0xbf;
        } else if (b >= 0xf0 && b <= 0xf4) {
          this.need = 3;
          this.lower = b === 0xf0 ? 0x90 : 0x80;
          this.upper = b === 0xf4 ? 0x8f : 0xbf;
        } else {
          this.offset = base + i;
          return { offset: base + i, line: this.newlines + 1, bytes: hex(chunk.subarray(i, i + 4)) };
        }
        if (this.firstMultibyte < 0) this.firstMultibyte = base + i;
      } else {
        if (b < this.lower || b > this.upper) {
          this.seqBytes.push(b);
          this.offset = base + i;
          return { offset: this.seqStart, line: this.seqLine, bytes: hex(Uint8Array.from(this.seqBytes)) };
        }
        this.seqBytes.push(b);
        this.lower = 0x80;
        this.upper = 0xbf;
        this.need--;
      }
    }
    this.offset = base + chunk.length;
    return undefined;
  }

  /** Call at end of input: a sequence cut off by the end of the file is a problem too. */
  end(): Utf8Problem | undefined {
    if (this.need === 0) return undefined;
    return { offset: this.seqStart, line: this.seqLine, bytes: hex(Uint8Array.from(this.seqBytes)) };
  }
}
