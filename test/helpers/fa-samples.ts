/**
 * Valid FA(3) / FA(2) invoice XML for tests, made at run time from the official samples in
 * ../shared/schemas/samples (never copied into the repo): the seller NIP and P_2 are replaced.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaSchema } from '../../src/core/invoice.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SAMPLES_DIR = join(repoRoot, '..', 'shared', 'schemas', 'samples');

const SAMPLE_FILES: Record<FaSchema, string> = {
  'FA(3)': join(SAMPLES_DIR, 'FA3', 'FA_3_Przyklad_1.xml'),
  'FA(2)': join(SAMPLES_DIR, 'FA2', 'FA_2_Przyklad_9.xml'),
};

const cache = new Map<FaSchema, string>();

function template(schema: FaSchema): string {
  let t = cache.get(schema);
  if (t === undefined) {
    t = readFileSync(SAMPLE_FILES[schema], 'utf8').replace(/^\uFEFF/, '');
    cache.set(schema, t);
  }
  return t;
}

const NIP_WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7];

export function nipChecksumOk(nip: string): boolean {
  if (!/^\d{10}$/.test(nip)) return false;
  const sum = NIP_WEIGHTS.reduce((s, w, i) => s + w * Number(nip[i]), 0);
  return sum % 11 === Number(nip[9]);
}

/** A NIP with a valid checksum, derived from `seed` (deterministic), matching KSeF's NIP pattern. */
export function makeNip(seed: number): string {
  for (let n = seed; ; n++) {
    const mixed = (Math.imul(n + 1, 2654435761) >>> 0) % 100_000_000;
    const digits = `${(n % 9) + 1}${String(mixed).padStart(8, '0')}`;
    if (!/^[1-9]((\d[1-9])|([1-9]\d))\d{6}$/.test(digits)) continue;
    const check = NIP_WEIGHTS.reduce((s, w, i) => s + w * Number(digits[i]), 0) % 11;
    if (check === 10) continue;
    return digits + String(check);
  }
}

export interface FaSampleOptions {
  readonly schema?: FaSchema;
  readonly sellerNip: string;
  /** invoice number (P_2): with the seller NIP and kind, what KSeF uses to detect duplicates */
  readonly invoiceNumber: string;
  /** issue date P_1 (yyyy-mm-dd); default: the sample's */
  readonly issueDate?: string;
  readonly buyerNip?: string;
}

/** FA XML as a string; valid against the official XSD of its schema. */
export function faSample(opts: FaSampleOptions): string {
  const schema = opts.schema ?? 'FA(3)';
  let xml = template(schema);
  xml = xml.replace(/(<Podmiot1>[\s\S]*?<NIP>)[^<]*(<\/NIP>)/, `$1${opts.sellerNip}$2`);
  if (opts.buyerNip) xml = xml.replace(/(<Podmiot2>[\s\S]*?<NIP>)[^<]*(<\/NIP>)/, `$1${opts.buyerNip}$2`);
  xml = xml.replace(/<P_2>[^<]*<\/P_2>/, `<P_2>${escapeXml(opts.invoiceNumber)}</P_2>`);
  if (opts.issueDate) xml = xml.replace(/<P_1>[^<]*<\/P_1>/, `<P_1>${opts.issueDate}</P_1>`);
  return xml;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
