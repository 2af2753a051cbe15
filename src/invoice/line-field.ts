import type { Where } from '../core/errors.ts';
import type { Invoice } from '../core/invoice.ts';
import { provenanceWhere } from '../core/records.ts';

/**
 * The field name of a line's field in messages and reports: lines count from 1 (`lines[1]` is
 * the first line), like rows and line numbers. The one place that says so.
 */
export const lineField = (i: number, name: string): string => `lines[${i + 1}]${name === '' ? '.' : `.${name}`}`;

/**
 * Where a line's field is, for an error about it: the line's own record (file, sheet, row/line),
 * the cell the field was read from when the mapping knows it (`H7`; the column's name in a file
 * without cells), the invoice and the field. The invoice's place for a line without provenance.
 */
export function lineFieldWhere(inv: Invoice, i: number, name: string): Where {
  const p = inv.lines[i]?.provenance;
  const cell = p?.fieldCells?.[name];
  return { ...provenanceWhere(p ?? inv.provenance), ...(cell !== undefined ? { cell } : {}), invoice: inv.number, field: lineField(i, name) };
}

/** Where an invoice-level field is: the invoice's first record, the invoice and the field. */
export function invoiceFieldWhere(inv: Invoice, field: string): Where {
  return { ...provenanceWhere(inv.provenance), invoice: inv.number, field };
}
