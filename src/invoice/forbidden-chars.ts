/**
 * Characters that must never reach KSeF. Since 16 July 2026 KSeF rejects (status 430) an invoice
 * containing U+007F–U+0084, U+0086–U+009F or U+FDD0–U+FDEF; XML 1.0 cannot carry C0 control
 * characters other than tab, LF and CR, lone surrogates, U+FFFE or U+FFFF. U+0085 is refused
 * with them: KSeF takes it, but in an invoice text it is always a misread byte (windows-1250 "…").
 */
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The same set, surrogates whether paired or not: a cheap first test for the common clean text. */
const CANDIDATE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]/;

export interface ForbiddenChar {
  /** 0-based index in the string */
  readonly index: number;
  readonly codePoint: number;
  /** the character before it, when any (tells UTF-8 misread as a single-byte code page) */
  readonly before?: string;
}

/** The first forbidden character of `s`, or undefined (one regex test for the common clean case). */
export function findForbiddenChar(s: string): ForbiddenChar | undefined {
  if (!CANDIDATE.test(s)) return undefined;
  const m = FORBIDDEN.exec(s);
  if (!m) return undefined;
  return { index: m.index, codePoint: m[0].charCodeAt(0), ...(m.index > 0 ? { before: s[m.index - 1]! } : {}) };
}

/** U+XXXX */
export const codePointName = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

const C0_NAMES: Readonly<Record<number, string>> = { 0: 'NUL', 0x1b: 'ESC', 0x7f: 'DEL' };
const CP1250 = new TextDecoder('windows-1250');

/** Why such a character is probably there, and what to do about it, in an admin's words. */
export function likelyCause(cp: number, before?: string): string {
  if (cp >= 0x80 && cp <= 0xbf && before !== undefined && 'ÃÄÅ'.includes(before)) {
    return `"${before}" followed by it is a UTF-8 Polish letter read as a single-byte code page: set input.encoding to utf-8 in the mapping`;
  }
  if (cp >= 0x80 && cp <= 0x9f) {
    const letter = CP1250.decode(Uint8Array.of(cp));
    const hint = letter.length === 1 && letter.charCodeAt(0) > 0x9f ? ` (in windows-1250 this byte is "${letter}")` : '';
    return `a byte of a Polish code page read as ISO-8859-2 or Latin-1${hint}: the file was probably read with the wrong encoding; set input.encoding to windows-1250 in the mapping (or to the code page the ERP writes)`;
  }
  if (cp >= 0xfdd0 && cp <= 0xfdef || cp === 0xfffe || cp === 0xffff) {
    return 'a Unicode noncharacter: the export is corrupt or was converted with a wrong encoding; fix it in the ERP or check input.encoding';
  }
  if (cp >= 0xd800 && cp <= 0xdfff) return 'half of a UTF-16 surrogate pair: the export is corrupt (a text cut in the middle of a character)';
  const name = C0_NAMES[cp] ?? 'control character';
  return `a ${name === 'control character' ? name : `${name} control character`} in the export (padding of a fixed-width field, or binary data): fix the export, or remove it in the mapping with removeChars`;
}
