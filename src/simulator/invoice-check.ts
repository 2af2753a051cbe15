/**
 * KSeF's checks of one invoice file (PROTOCOL §13), in the order that decides the status:
 * 430 for file problems (size, BOM, encoding, processing instructions, XSD), 450 for semantic
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
