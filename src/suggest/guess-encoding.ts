/**
 * The encoding a mapping should name: decode.ts decides UTF-8 or not (byte-order marks, the XML
 * declaration, strict UTF-8 over the whole file); when the bytes are not UTF-8, the code page whose
 * letters for the high bytes are Polish letters inside words wins (windows-1250, CP852 or
 * ISO-8859-2), since those three put ą, ł, ś… on different bytes.
 */
import iconv from 'iconv-lite';
import { readHead, resolveEncoding } from '../readers/decode.ts';
import type { Encoding } from '../core/input-options.ts';

export type CodePage = 'windows-1250' | 'cp852' | 'iso-8859-2';
const CODE_PAGES: readonly CodePage[] = ['windows-1250', 'cp852', 'iso-8859-2'];
const POLISH = /[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/u;
const TYPOGRAPHY = /[„”–—…°§]/u;
const LETTER = /[A-Za-z]/;

export interface EncodingGuess {
  /** what the mapping's `encoding` should say */
  readonly encoding: Exclude<Encoding, 'auto'> | 'auto';
  /** what the file is (utf-8, windows-1250, utf-16le…) */
  readonly detected: string;
  /** in words, for the summary */
  readonly how: string;
}

/** Points per code page: a Polish letter next to an ASCII letter counts most, typography a little. */
export function scoreCodePages(bytes: Buffer): Map<CodePage, number> {
  const scores = new Map<CodePage, number>();
  for (const cp of CODE_PAGES) {
    const text = iconv.decode(bytes, cp);
    let score = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i]! < 0x80) continue;
      const c = text[i]!;
      const near = LETTER.test(text[i - 1] ?? '') || LETTER.test(text[i + 1] ?? '');
      if (POLISH.test(c)) score += near ? 3 : 1;
      else if (TYPOGRAPHY.test(c)) score += 1;
      else score -= 2;
    }
    scores.set(cp, score);
  }
  return scores;
}

export async function guessEncoding(path: string, xml: boolean): Promise<EncodingGuess> {
  const r = await resolveEncoding(path, { decode: { encoding: 'auto' }, displayName: path, xml });
  if (r.reason === 'bom') return { encoding: 'auto', detected: r.encoding, how: `${r.encoding} (byte-order mark; read whatever the mapping says)` };
  if (r.reason === 'xml-declaration') return { encoding: 'auto', detected: r.encoding, how: `${r.encoding} (the XML declaration says so; auto follows it)` };
  const bytes = await readHead(path, path, 1024 * 1024);
  if (r.encoding === 'utf-8') {
    const ascii = !bytes.some((b) => b >= 0x80);
    return ascii
      ? { encoding: 'auto', detected: 'utf-8', how: 'ASCII only (auto: UTF-8, else windows-1250)' }
      : { encoding: 'utf-8', detected: 'utf-8', how: 'utf-8 (valid UTF-8 with letters beyond ASCII)' };
  }
  const scores = scoreCodePages(bytes);
  const ranked = [...scores].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  const sure = best![1] > 0 && best![1] > (second?.[1] ?? 0);
  return { encoding: best![0], detected: best![0], how: `${best![0]} (not UTF-8; ${sure ? 'its Polish letters fit this code page' : 'a guess: check the Polish letters in preview'})` };
}
