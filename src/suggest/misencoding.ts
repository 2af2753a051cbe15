/**
 * Recognises a header read in the wrong code page, so the dictionary never matches it by accident
 * and the admin is told: U+FFFD (bytes that were not UTF-8, replaced), or letters that only make
 * sense after re-reading the bytes in another code page ("IloĹ›Ä‡" is "Ilość" in UTF-8 read as
 * windows-1250).
 */
import iconv from 'iconv-lite';

const POLISH_OR_TYPOGRAPHY = /^[\x00-\x7f\u00a0ąćęłńóśźżĄĆĘŁŃÓŚŹŻ„”“’‘–—…°§×·«»é]*$/u;
const HAS_POLISH = /[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/u;

/** [written as, read as]: re-encoding with `read` and decoding with `written` undoes the mistake */
const MISREADS: readonly [string, string][] = [
  ['utf-8', 'windows-1250'],
  ['utf-8', 'iso-8859-2'],
  ['utf-8', 'latin1'],
  ['utf-8', 'cp852'],
  ['windows-1250', 'cp852'],
  ['cp852', 'windows-1250'],
  ['iso-8859-2', 'windows-1250'],
  ['windows-1250', 'iso-8859-2'],
];

/** Why `text` looks mis-encoded (with what it probably says), or undefined when it looks fine. */
export function misencodingOf(text: string): string | undefined {
  if (text.includes('\ufffd')) {
    return `"${text}" has replacement characters (\ufffd): its bytes were not valid UTF-8, so the file is probably windows-1250 or cp852 but was read or converted as UTF-8`;
  }
  if (POLISH_OR_TYPOGRAPHY.test(text)) return undefined;
  for (const [written, read] of MISREADS) {
    let repaired: string;
    try {
      const bytes = iconv.encode(text, read);
      if (iconv.decode(bytes, read) !== text) continue; // not representable: not this mistake
      repaired = written === 'utf-8' ? new TextDecoder('utf-8', { fatal: true }).decode(bytes) : iconv.decode(bytes, written);
    } catch {
      continue;
    }
    if (repaired !== text && POLISH_OR_TYPOGRAPHY.test(repaired) && HAS_POLISH.test(repaired)) {
      return `"${text}" looks like "${repaired}" written in ${written} but read as ${read}`;
    }
  }
  return undefined;
}
