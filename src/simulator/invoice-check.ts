/**
 * KSeF's checks of one invoice file (PROTOCOL §13), in the order that decides the status:
 * 430 for file problems (size, BOM, encoding, processing instructions, discouraged code points,
 * XSD), 450 for semantic
 * ones (NIP checksums on PRD, issue date in the future). Duplicates (440) are the caller's: they
 * depend on what the simulator already holds.
 */
import { loadFaValidator, type FaSchemaName } from '../xsd/xsd-validator.ts';
import { inspectFa, type FaFacts } from './fa-inspect.ts';
import { isValidNip } from './ids.ts';
import type { StatusInfo } from './state.ts';

export const MAX_INVOICE_BYTES = 1_000_000;

const NAMESPACES: Readonly<Record<FaSchemaName, string>> = {
  'FA(2)': 'http://crd.gov.pl/wzor/2023/06/29/12648/',
  'FA(3)': 'http://crd.gov.pl/wzor/2025/06/25/13775/',
};

export type CheckResult = { ok: true; facts: FaFacts } | { ok: false; status: StatusInfo; facts?: FaFacts };

/**
 * Code points KSeF refuses since 16 July 2026 (PROTOCOL §13; Doc: faktury/weryfikacja-faktury.md):
 * U+007F–U+0084, U+0086–U+009F, U+FDD0–U+FDEF and U+nFFFE/U+nFFFF of every plane. U+0085 is allowed.
 */
export function isDiscouragedCodePoint(cp: number): boolean {
  return (cp >= 0x7f && cp <= 0x84) || (cp >= 0x86 && cp <= 0x9f) || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe;
}

const CANDIDATE = /[\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]|[\ud800-\udbff][\udffe\udfff]|&#/;
const hexCp = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first discouraged code point, written raw or as a character reference, with its line. */
export function findDiscouraged(xml: string): { codePoint: number; line: number; reference: boolean } | undefined {
  if (!CANDIDATE.test(xml)) return undefined;
  let line = 1;
  for (let i = 0; i < xml.length; ) {
    const cp = xml.codePointAt(i)!;
    if (cp === 0x0a) line++;
    if (isDiscouragedCodePoint(cp)) return { codePoint: cp, line, reference: false };
    if (cp === 0x26 /* & */ && xml[i + 1] === '#') {
      const m = /^&#(?:x([0-9a-fA-F]+)|(\d+));/.exec(xml.slice(i, i + 16));
      if (m) {
        const ref = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
        if (isDiscouragedCodePoint(ref)) return { codePoint: ref, line, reference: true };
      }
    }
    i += cp > 0xffff ? 2 : 1;
  }
  return undefined;
}

const fail430 = (...details: string[]): CheckResult => ({ ok: false, status: { code: 430, description: 'Błąd weryfikacji pliku faktury', details } });

export async function checkInvoice(
  bytes: Buffer,
  schema: FaSchemaName,
  opts: { checkNip: boolean; todayIso: string },
): Promise<CheckResult> {
  if (bytes.length > MAX_INVOICE_BYTES) return fail430(`Rozmiar faktury ${bytes.length} B przekracza dozwolone ${MAX_INVOICE_BYTES} B.`);
  if ((bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) || (bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
    return fail430('Plik zawiera znacznik BOM; wymagane jest UTF-8 bez BOM.');
  }
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail430('Plik nie jest poprawnie zakodowany w UTF-8.');
  }
  const decl = /^<\?xml\s[^?]*\?>/.exec(xml);
  if (decl) {
    const enc = /encoding\s*=\s*["']([^"']+)["']/.exec(decl[0]);
    if (enc && enc[1]!.toLowerCase() !== 'utf-8') return fail430(`Deklarowane kodowanie ${enc[1]} jest niedozwolone; wymagane UTF-8.`);
  }
  const rest = decl ? xml.slice(decl[0].length) : xml;
  const pi = /<\?([A-Za-z_][\w.-]*)/.exec(rest);
  if (pi) return fail430(`Instrukcje przetwarzania są niedozwolone (<?${pi[1]}).`);
  const bad = findDiscouraged(xml);
  if (bad) {
    return fail430(`Linia ${bad.line}: niedozwolony znak ${hexCp(bad.codePoint)}${bad.reference ? ' (odwołanie znakowe)' : ''}; od 16 lipca 2026 KSeF odrzuca znaki U+007F–U+0084, U+0086–U+009F, U+FDD0–U+FDEF oraz U+nFFFE/U+nFFFF.`);
  }
  const validator = await loadFaValidator(schema);
  const problems = validator.validate(bytes);
  if (problems.length > 0) {
    return fail430(...problems.slice(0, 20).map((p) => (p.line ? `Linia ${p.line}: ${p.message}` : p.message)));
  }
  const facts = inspectFa(xml);
  if (facts.namespace !== NAMESPACES[schema]) return fail430(`Przestrzeń nazw ${facts.namespace} nie odpowiada schematowi ${schema} sesji.`);
  if (opts.checkNip) {
    const bad = [facts.sellerNip, ...(facts.buyer.type === 'Nip' ? [facts.buyer.value!] : []), ...facts.otherNips].filter((n) => !isValidNip(n));
    if (bad.length > 0) {
      return { ok: false, facts, status: { code: 450, description: 'Błąd weryfikacji semantyki dokumentu faktury', details: bad.map((n) => `Nieprawidłowa suma kontrolna NIP ${n}.`) } };
    }
  }
  if (facts.issueDate > opts.todayIso) {
    return { ok: false, facts, status: { code: 450, description: 'Błąd weryfikacji semantyki dokumentu faktury', details: [`Data wystawienia ${facts.issueDate} jest późniejsza niż data przyjęcia ${opts.todayIso}.`] } };
  }
  return { ok: true, facts };
}

export function schemaOfFormCode(systemCode: string, schemaVersion: string, value: string): FaSchemaName | undefined {
  if (value !== 'FA' || schemaVersion !== '1-0E') return undefined;
  if (systemCode === 'FA (3)') return 'FA(3)';
  if (systemCode === 'FA (2)') return 'FA(2)';
  return undefined;
}
