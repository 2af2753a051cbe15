/**
 * Zip bomb guard for XLSX: the sum of the uncompressed sizes its central directory declares,
 * read from the end of the file without unpacking anything. An XLSX of a few MB can declare
 * gigabytes of sheet XML (exceljs would inflate all of it, and keep shared strings in memory).
 */
import { open } from 'node:fs/promises';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
/** the end record (22 bytes) plus the longest comment a zip may have */
const TAIL = 22 + 0xffff;
/** a size field that says "see the ZIP64 extra field": parts that large have no place in an export */
const ZIP64 = 0xffffffff;

/**
 * Declared uncompressed bytes of every part, or undefined when the file has no readable central
 * directory (not a zip: the XLSX reader then reports it as not a workbook).
 */
export async function declaredUncompressedBytes(path: string): Promise<number | undefined> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, TAIL);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let at = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) return undefined;
    const entries = tail.readUInt16LE(at + 10);
    const cdSize = tail.readUInt32LE(at + 12);
    const cdOffset = tail.readUInt32LE(at + 16);
    if (cdOffset === ZIP64 || cdSize === ZIP64 || cdOffset + cdSize > size) return undefined;
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    let total = 0;
    let p = 0;
    for (let n = 0; n < entries && p + 46 <= cd.length; n++) {
      if (cd.readUInt32LE(p) !== CENTRAL) return undefined;
      const uncompressed = cd.readUInt32LE(p + 24);
      total += uncompressed === ZIP64 ? Number.MAX_SAFE_INTEGER : uncompressed;
      p += 46 + cd.readUInt16LE(p + 28) + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    return total;
  } finally {
    await fh.close();
  }
}
