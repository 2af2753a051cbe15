/** Test helpers: mappings held in memory, records as plain tables. */
import type { AgentError } from '../../src/core/errors.ts';
import type { SourceRecord, SourceValue } from '../../src/core/records.ts';
import { checkMappingText, compileMappingText } from '../../src/mapping/load-mapping.ts';
import { mapRecords, type MappedInvoice } from '../../src/mapping/apply-mapping.ts';
import type { CompiledMapping } from '../../src/mapping/compiled-mapping.ts';

export const MAPPING_FILE = 'mappings/test.json';

/** A minimal valid CSV mapping, with sections overridden by `over`. */
export function mappingJson(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'test',
    input: { format: 'csv', encoding: 'utf-8', csv: { delimiter: ';' } },
    invoices: { per: 'key', key: 'Nr' },
    invoice: {
      number: { column: 'Nr' },
      issueDate: { column: 'Data', date: 'dd.MM.yyyy' },
      buyer: { taxId: { column: 'NIP', nip: true }, name: { column: 'Nabywca' } },
    },
    line: {
      description: { column: 'Towar' },
      quantity: { column: 'Ilosc', decimal: 'comma' },
      unitNetPrice: { column: 'Cena', decimal: 'comma' },
      vatRate: { column: 'VAT' },
    },
    ...over,
  };
}

export function compile(json: Record<string, unknown>): CompiledMapping {
  return compileMappingText(JSON.stringify(json, null, 2), MAPPING_FILE);
}

export function problems(json: Record<string, unknown> | string): AgentError[] {
  return checkMappingText(typeof json === 'string' ? json : JSON.stringify(json, null, 2), MAPPING_FILE).errors;
}

/**
 * CSV-like rows: row n is data row n (header on line 1, so line n+1). As in a CSV, every row has
 * every column of the header (the columns any row names; missing cells are empty).
 */
export function rows(...values: Record<string, SourceValue>[]): SourceRecord[] {
  const header = [...new Set(values.flatMap((v) => Object.keys(v)))];
  return values.map((v, i) => ({ values: Object.fromEntries(header.map((k) => [k, v[k] ?? ''])), where: { file: 'in.csv', row: i + 1, line: i + 2 } }));
}

export async function* stream<T>(items: readonly T[]): AsyncIterable<T> {
  for (const x of items) yield x;
}

export async function mapAll(m: CompiledMapping, recs: readonly SourceRecord[], today = '2026-11-21'): Promise<MappedInvoice[]> {
  const out: MappedInvoice[] = [];
  for await (const r of mapRecords(m, () => stream(recs), { today })) out.push(r);
  return out;
}

/** The invoice without provenance, for deep-equal comparisons. */
export function bare(r: MappedInvoice): Record<string, unknown> {
  if (!r.ok) throw new Error(`expected an invoice, got errors: ${r.errors.map((e) => `${e.code} ${e.where.field ?? ''} ${e.message}`).join('; ')}`);
  const { provenance: _p, lines, ...rest } = r.invoice;
  // each line's provenance is asserted by its own test (map-records: "every line keeps …")
  return { ...rest, lines: lines.map(({ provenance: _lp, ...l }) => l) };
}

export const row = (v: Record<string, string>): Record<string, string> => ({ Nr: 'FV/1', Data: '03.11.2026', NIP: '999-999-99-99', Nabywca: 'Firma', Towar: 'Kawa', Ilosc: '2', Cena: '10,50', VAT: '23', ...v });
