/**
 * Every part of an XLSX checked before exceljs reads it: each zip entry inflated once, its
 * CRC-32 and size compared with what the zip's directory records (yauzl checks the size), and
 * every XML part checked to end with the end tag of its root element. exceljs' streaming reader
 * feeds parts to a SAX parser it never closes, so a part cut short is read up to the cut without
 * a word: that is how a truncated sheet got its first rows sent. Memory stays bounded: parts are
 * streamed, only a few KB of head and tail are kept.
 */
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';

/** What is wrong, and in which part (absent when the zip as a whole is unreadable). */
export interface XlsxDamage {
  readonly part?: string;
  readonly reason: string;
}

const HEAD_MAX = 64 * 1024;
const TAIL_MAX = 1024;

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (err, zip) => (err || !zip ? reject(err ?? new Error('not a zip')) : resolve(zip)));
  });
}

/** The qualified name of the root element and whether it closes itself, from the start of a part. */
function rootElement(head: string): { name: string; selfClosing: boolean } | undefined {
  let pos = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (pos < head.length && /\s/.test(head[pos]!)) pos++;
    const end = head.startsWith('<?', pos) ? '?>' : head.startsWith('<!--', pos) ? '-->' : undefined;
    if (end === undefined) break;
    const at = head.indexOf(end, pos + 2);
    if (at < 0) return undefined;
    pos = at + end.length;
  }
  const m = /^<([^\s/>]+)[^>]*?(\/?)>/.exec(head.slice(pos));
  return m ? { name: m[1]!, selfClosing: m[2] === '/' } : undefined;
}

/** Whether the end of a part closes the root element (trailing whitespace and comments allowed). */
function closesRoot(tail: string, root: { name: string; selfClosing: boolean }): boolean {
  let t = tail.trimEnd();
  while (t.endsWith('-->')) {
    const open = t.lastIndexOf('<!--');
    if (open < 0) return false;
    t = t.slice(0, open).trimEnd();
  }
  if (root.selfClosing) return t.endsWith('/>');
  const end = t.lastIndexOf('</');
  return end >= 0 && new RegExp(`^</${root.name.replace(/[.]/g, '\\.')}\\s*>$`).test(t.slice(end));
}

function decodePart(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString('utf16le');
  return bytes.toString('utf8');
}

async function checkEntry(zip: ZipFile, entry: Entry): Promise<string | undefined> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err || !s ? reject(err ?? new Error('unreadable')) : resolve(s))));
  let crc = 0;
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    crc = crc32(chunk, crc);
    if (head.length < HEAD_MAX) head = Buffer.concat([head, chunk.subarray(0, HEAD_MAX - head.length)]);
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > TAIL_MAX) tail = tail.subarray(tail.length - TAIL_MAX);
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) return 'its bytes do not match the CRC-32 checksum recorded in the zip';
  if (!/\.(xml|rels)$/i.test(entry.fileName)) return undefined;
  const utf16 = head[0] === 0xff && head[1] === 0xfe;
  const root = rootElement(decodePart(head));
  if (!root) return entry.uncompressedSize < HEAD_MAX ? 'it has no XML root element' : undefined;
  const tailText = utf16 ? tail.subarray(tail.length % 2).toString('utf16le') : tail.toString('utf8');
  return closesRoot(tailText, root) ? undefined : `its XML ends before the root element <${root.name}> is closed (the part is cut short)`;
}

/** Whether the file starts like a zip (a local file header), so a missing directory means it was cut. */
export async function startsLikeZip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return bytesRead === 4 && b.readUInt32LE(0) === 0x04034b50;
  } finally {
    await fh.close();
  }
}

/** The first damaged part, or undefined when every part is whole. */
export async function findXlsxDamage(path: string): Promise<XlsxDamage | undefined> {
  let zip: ZipFile;
  try {
    zip = await openZip(path);
  } catch (e) {
    return { reason: `its zip directory cannot be read (${(e as Error).message})` };
  }
  return new Promise<XlsxDamage | undefined>((resolve) => {
    let settled = false;
    const finish = (d: XlsxDamage | undefined): void => {
      if (settled) return;
      settled = true;
      zip.close();
      resolve(d);
    };
    zip.on('error', (e: Error) => finish({ reason: `the zip is damaged (${e.message})` }));
    zip.on('end', () => finish(undefined));
    zip.on('entry', (entry: Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      checkEntry(zip, entry).then(
        (reason) => (reason ? finish({ part: entry.fileName, reason }) : zip.readEntry()),
        (e: unknown) => finish({ part: entry.fileName, reason: `it cannot be unpacked (${(e as Error)?.message ?? String(e)})` }),
      );
    });
    zip.readEntry();
  });
}
