/**
 * The one decoding step before any text reader: bytes on disk → text chunks, in bounded memory.
 *
 * - `utf-8`: strict (a byte that is not UTF-8 is an error naming its offset and line); BOM optional.
 * - `windows-1250`, `cp852`, `iso-8859-2`: iconv-lite. A file that is clearly UTF-8 (BOM, or valid
 *   UTF-8 with multi-byte letters) is refused, because decoding it as a code page would silently
 *   turn "ł" into "Ĺ‚"; undefined bytes of the code page are refused too.
 * - `auto`: a first pass checks strict UTF-8 over the whole file; if it fails, the configured
 *   fallback code page (default windows-1250) is used.
 * - XML: the file's own `<?xml … encoding="…"?>` declaration wins over `auto`; an explicit
 *   encoding in the mapping wins over the declaration (for ERPs that declare one thing and write
 *   another).
 * - UTF-16 with a byte-order mark (FF FE little-endian, FE FF big-endian; what Excel's "Unicode
 *   text" and some Windows exports write) is read as UTF-16 whatever the mapping says: the mark is
 *   unambiguous (no code page text starts with it). UTF-16 without a mark is not guessed.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { AgentError } from '../core/errors.ts';
import type { DecodeOptions, Encoding } from '../core/input-options.ts';
import { Utf8Scanner } from './utf8-scanner.ts';
import type { Utf8Problem } from './utf8-scanner.ts';
import { ioError } from './io-error.ts';

/** UTF-16 is recognised by its byte-order mark only, so a mapping never names it. */
export type Utf16Encoding = 'utf-16le' | 'utf-16be';
export type ConcreteEncoding = Exclude<Encoding, 'auto'> | Utf16Encoding;
type CodePage = Exclude<Encoding, 'auto' | 'utf-8'>;

export interface ResolvedEncoding {
  readonly encoding: ConcreteEncoding;
  /** why: the mapping said so, the XML declaration said so, `auto` detected it, or a UTF-16 byte-order mark */
  readonly reason: 'mapping' | 'xml-declaration' | 'detected' | 'bom';
}

export interface DecodeRequest {
  readonly decode: DecodeOptions;
  readonly displayName: string;
  /** honour the XML declaration's encoding */
  readonly xml?: boolean;
}

const CHUNK = 64 * 1024;
const ICONV_NAME: Record<CodePage, string> = {
  'windows-1250': 'windows1250',
  cp852: 'cp852',
  'iso-8859-2': 'iso88592',
};

/** Names an XML declaration may use for the encodings we support (compared without punctuation). */
const XML_NAMES: Record<string, Exclude<Encoding, 'auto'>> = {
  utf8: 'utf-8',
  usascii: 'utf-8',
  ascii: 'utf-8',
  windows1250: 'windows-1250',
  cp1250: 'windows-1250',
  xcp1250: 'windows-1250',
  iso88592: 'iso-8859-2',
  latin2: 'iso-8859-2',
  l2: 'iso-8859-2',
  cp852: 'cp852',
  ibm852: 'cp852',
  '852': 'cp852',
  csibm852: 'cp852',
};

async function* readBytes(path: string, displayName: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) yield chunk as Buffer;
  } catch (e) {
    throw ioError(e, displayName);
  }
}

/** The first `max` bytes of the file (fewer when it is shorter); a failure is the reader's I/O error. */
export async function readHead(path: string, displayName: string, max: number): Promise<Buffer> {
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(max);
      const { bytesRead } = await fh.read(buf, 0, max, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw ioError(e, displayName);
  }
}

/** The UTF-16 flavour a byte-order mark at the start says, if any. */
export function utf16Bom(head: Uint8Array): Utf16Encoding | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

const isBlankByte = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d) || b === 0x1a;

/**
 * READ_EMPTY when the file has no content: 0 bytes, or only whitespace and a BOM.
 * Stops at the first real byte, so a normal file costs one chunk.
 */
export async function assertNotEmpty(path: string, displayName: string): Promise<void> {
  let first = true;
  let utf16 = false;
  for await (const chunk of readBytes(path, displayName)) {
    let i = 0;
    if (first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    if (first && utf16Bom(chunk)) {
      i = 2;
      utf16 = true;
    }
    first = false;
    // in UTF-16 the other byte of a blank character is 00
    for (; i < chunk.length; i++) if (!isBlankByte(chunk[i]!) && !(utf16 && chunk[i] === 0)) return;
  }
  throw new AgentError('READ_EMPTY', 'the file is empty (no data, only whitespace or a byte-order mark)', {
    where: { file: displayName },
  });
}

/** The encoding named in an XML declaration, or undefined when there is none. */
export function xmlDeclaredEncoding(head: Buffer, displayName: string): Exclude<Encoding, 'auto'> | undefined {
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const text = head.subarray(start, start + 300).toString('latin1');
  const decl = /^\s*<\?xml\s[^?]*?encoding\s*=\s*["']([^"']+)["']/.exec(text);
  if (!decl) return undefined;
  const name = decl[1]!;
  const known = XML_NAMES[name.toLowerCase().replace(/[^a-z0-9]/g, '')];
  if (known) return known;
  throw new AgentError('READ_ENCODING', `the XML declares encoding "${name}", which is not supported`, {
    where: { file: displayName, line: 1, value: name },
    rule: 'supported encodings: UTF-8, windows-1250, CP852, ISO-8859-2',
  });
}

function notUtf8(displayName: string, p: Utf8Problem, hint: string): AgentError {
  return new AgentError('READ_ENCODING', `the file is not valid UTF-8 at byte ${p.offset} (bytes ${p.bytes})${hint}`, {
    where: { file: displayName, line: p.line, value: p.bytes },
    rule: 'encoding utf-8',
    details: [`byte offset ${p.offset}`],
  });
}

/** Scans the whole file as UTF-8 without keeping it: the first problem, or how it looked. */
async function scanUtf8(path: string, displayName: string): Promise<{ problem?: Utf8Problem; bom: boolean; firstMultibyte: number }> {
  const scanner = new Utf8Scanner();
  let bom = false;
  let first = true;
  for await (const chunk of readBytes(path, displayName)) {
    if (first) bom = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
    first = false;
    const problem = scanner.push(chunk);
    if (problem) return { problem, bom, firstMultibyte: scanner.firstMultibyte };
  }
  const problem = scanner.end();
  return { ...(problem ? { problem } : {}), bom, firstMultibyte: scanner.firstMultibyte };
}

/** Decides which encoding to decode with (may read the file once, without keeping it). */
export async function resolveEncoding(path: string, req: DecodeRequest): Promise<ResolvedEncoding> {
  let configured: Encoding = req.decode.encoding;
  let reason: ResolvedEncoding['reason'] = 'mapping';
  const head = await readHead(path, req.displayName, 512);
  const bom16 = utf16Bom(head);
  if (bom16) return { encoding: bom16, reason: 'bom' };
  if (req.xml) {
    const declared = xmlDeclaredEncoding(head, req.displayName);
    if (declared && configured === 'auto') {
      configured = declared;
      reason = 'xml-declaration';
    }
  }
  if (configured === 'utf-8') return { encoding: 'utf-8', reason };
  const scan = await scanUtf8(path, req.displayName);
  if (configured === 'auto') {
    if (!scan.problem) return { encoding: 'utf-8', reason: 'detected' };
    return { encoding: req.decode.fallback ?? 'windows-1250', reason: 'detected' };
  }
  if (scan.bom || (!scan.problem && scan.firstMultibyte >= 0)) {
    const how = reason === 'xml-declaration' ? 'the XML declaration says' : 'the mapping says';
    throw new AgentError(
      'READ_ENCODING',
      `the file is UTF-8${scan.bom ? ' (it starts with a UTF-8 byte-order mark)' : ''} but ${how} ${configured}; set "encoding" to "utf-8" or "auto"`,
      { where: { file: req.displayName }, rule: `encoding ${configured}` },
    );
  }
  return { encoding: configured, reason };
}

/**
 * The encoding a file was (or will be) read with, in words for an error message: which one and
 * why (`auto` fell back to the code page because the bytes are not UTF-8, the mapping said so, …).
 * Decoding is deterministic, so a caller asks this again when it has something to report instead
 * of every reader carrying it along.
 */
export function describeEncoding(r: ResolvedEncoding, configured: DecodeOptions): string {
  switch (r.reason) {
    case 'bom':
      return `${r.encoding.toUpperCase()} (it starts with a UTF-16 byte-order mark)`;
    case 'xml-declaration':
      return `${r.encoding} (as its XML declaration says)`;
    case 'mapping':
      return `${r.encoding} (as the mapping's input.encoding says)`;
    case 'detected':
      return r.encoding === 'utf-8'
        ? 'utf-8 (input.encoding "auto": the bytes are valid UTF-8)'
        : `${r.encoding} (input.encoding "auto": the bytes are not valid UTF-8, so the fallback ${configured.fallback ? 'input.fallback' : 'code page'} was used)`;
  }
}

/** Drops a DOS end-of-file mark (Ctrl-Z) at the very end of the text. */
async function* withoutTrailingCtrlZ(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let held = '';
  for await (const chunk of chunks) {
    const text = held + chunk;
    held = '';
    if (text.endsWith('\x1a')) {
      held = '\x1a';
      if (text.length > 1) yield text.slice(0, -1);
    } else if (text.length > 0) {
      yield text;
    }
  }
}

async function* decodeUtf8(path: string, displayName: string): AsyncGenerator<string> {
  const scanner = new Utf8Scanner();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of readBytes(path, displayName)) {
    const problem = scanner.push(chunk);
    if (problem) throw notUtf8(displayName, problem, '');
    yield decoder.decode(chunk, { stream: true });
  }
  const problem = scanner.end();
  if (problem) throw notUtf8(displayName, problem, ' (the file ends in the middle of a character)');
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** The WHATWG name of a code page, where Node's ICU-backed TextDecoder knows it (CP852 it does not). */
const WHATWG_NAME: Partial<Record<CodePage, string>> = {
  'windows-1250': 'windows-1250',
  'iso-8859-2': 'iso-8859-2',
};

/**
 * A single-byte decoder that gives exactly what iconv-lite gives (U+FFFD for a byte the code page
 * does not define) but faster: iconv-lite goes through a UCS-2 buffer, which cost several times
 * more per file than everything else of reading. Where TextDecoder knows the code page it decodes;
 * it maps the undefined bytes of windows-1250 (81, 83, 88, 90, 98) to C1 controls, which are then
 * turned into U+FFFD. Otherwise bytes 00–7F (ASCII in all our code pages, checked) are read as
 * latin1 and only 80–FF are swapped for their letters.
 */
const decoders = new Map<string, (chunk: Buffer) => string>();

function singleByteDecoder(encoding: CodePage): (chunk: Buffer) => string {
  let d = decoders.get(encoding);
  if (!d) {
    d = makeSingleByteDecoder(encoding);
    decoders.set(encoding, d);
  }
  return d;
}

function makeSingleByteDecoder(encoding: CodePage): (chunk: Buffer) => string {
  const name = ICONV_NAME[encoding];
  const all = iconv.decode(Buffer.from(Array.from({ length: 256 }, (_, i) => i)), name);
  let asciiSame = all.length === 256;
  for (let i = 0; i < 128 && asciiSame; i++) if (all.charCodeAt(i) !== i) asciiSame = false;
  const whatwg = WHATWG_NAME[encoding];
  let td: TextDecoder | undefined;
  try {
    td = whatwg ? new TextDecoder(whatwg) : undefined;
  } catch {
    td = undefined; // a Node built without full ICU
  }
  if (td && asciiSame) {
    const decoder = td;
    const ours = decoder.decode(Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
    const undefinedChars: string[] = [];
    let same = ours.length === 256;
    for (let i = 0; i < 256 && same; i++) {
      if (all[i] === '\ufffd') undefinedChars.push(ours[i]!);
      else if (all[i] !== ours[i]) same = false;
    }
    if (same) {
      const set = `[${undefinedChars.map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`;
      const any = new RegExp(set);
      const every = new RegExp(set, 'g');
      return (chunk) => {
        const text = decoder.decode(chunk);
        return undefinedChars.length > 0 && any.test(text) ? text.replace(every, '\ufffd') : text;
      };
    }
  }
  if (asciiSame) {
    const high = new Map<string, string>();
    for (let i = 128; i < 256; i++) high.set(String.fromCharCode(i), all[i]!);
    const swap = (c: string): string => high.get(c)!;
    return (chunk) => chunk.toString('latin1').replace(HIGH_BYTES, swap);
  }
  const decoder = iconv.getDecoder(name);
  return (chunk) => decoder.write(chunk);
}
const HIGH_BYTES = /[\x80-\xff]/g;

async function* decodeCodePage(path: string, encoding: CodePage, displayName: string): AsyncGenerator<string> {
  const decode = singleByteDecoder(encoding);
  let offset = 0;
  let newlines = 0;
  for await (const chunk of readBytes(path, displayName)) {
    const text = decode(chunk);
    // single-byte code pages: character i is byte i, so an undefined byte is found by position
    const bad = text.indexOf('\ufffd');
    if (bad >= 0) {
      const before = text.slice(0, bad);
      const line = newlines + before.split('\n').length;
      const byte = chunk[bad]!.toString(16).toUpperCase().padStart(2, '0');
      throw new AgentError('READ_ENCODING', `byte ${byte} at offset ${offset + bad} is not a character in ${encoding}`, {
        where: { file: displayName, line, value: byte },
        rule: `encoding ${encoding}`,
        details: [`byte offset ${offset + bad}`],
      });
    }
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) newlines++;
    offset += chunk.length;
    if (text) yield text;
  }
}

/**
 * UTF-16 (the byte-order mark is dropped), strictly: an unpaired surrogate or an odd number of
 * bytes is READ_ENCODING. Big-endian is byte-swapped to little-endian, which every Node decodes.
 */
async function* decodeUtf16(path: string, encoding: Utf16Encoding, displayName: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-16le', { fatal: true });
  let carry: Buffer | undefined;
  let offset = 0;
  const bad = (detail: string): AgentError =>
    new AgentError('READ_ENCODING', `the file is not valid ${encoding.toUpperCase()} ${detail}`, { where: { file: displayName }, rule: `encoding ${encoding} (byte-order mark)` });
  for await (const chunk of readBytes(path, displayName)) {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    const even = buf.length - (buf.length % 2);
    carry = even < buf.length ? Buffer.from(buf.subarray(even)) : undefined;
    let part = buf.subarray(0, even);
    if (encoding === 'utf-16be') part = Buffer.from(part).swap16();
    let text: string;
    try {
      text = decoder.decode(part, { stream: true });
    } catch {
      throw bad(`(an unpaired surrogate between byte offsets ${offset} and ${offset + even})`);
    }
    offset += even;
    if (text) yield text;
  }
  if (carry) throw bad('(it ends in the middle of a character: an odd number of bytes)');
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw bad('(it ends in the middle of a character)');
  }
  if (rest) yield rest;
}

/** Decodes with an already resolved encoding, as a stream of text chunks. */
export function decodeWith(path: string, encoding: ConcreteEncoding, displayName: string): AsyncIterable<string> {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return withoutTrailingCtrlZ(decodeUtf16(path, encoding, displayName));
  return withoutTrailingCtrlZ(encoding === 'utf-8' ? decodeUtf8(path, displayName) : decodeCodePage(path, encoding, displayName));
}

/**
 * The shared step: refuses an empty file, resolves the encoding, then streams the text.
 * Errors: READ_EMPTY, READ_ENCODING (with file, line and byte offset), READ_IO.
 */
export async function* decodeFile(path: string, req: DecodeRequest): AsyncGenerator<string> {
  await assertNotEmpty(path, req.displayName);
  const { encoding } = await resolveEncoding(path, req);
  yield* decodeWith(path, encoding, req.displayName);
}

/** The whole text at once, for formats whose parser needs it (XML, JSON). */
export async function decodeFileToString(path: string, req: DecodeRequest): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of decodeFile(path, req)) parts.push(chunk);
  return parts.join('');
}
