import type { AgentError, Where } from './errors.ts';

/**
 * A value as read from a source file. Readers never coerce: numbers stay decimal text exactly as
 * written ("1 234,50" stays so), so the mapping decides how to convert. Spreadsheet cells are
 * normalised to text too: numeric cells as plain decimal text ("1234.5"), date cells as ISO
 * `yyyy-mm-dd` (or `yyyy-mm-ddTHH:MM:SS` when they carry a time), formula cells as their result.
 * XML and JSON records keep their structure (objects and arrays of values); XML attributes are
 * keys prefixed with `@`, element text with attributes is under `#text`.
 */
export type SourceValue = string | null | readonly SourceValue[] | { readonly [key: string]: SourceValue };

/** Where a record came from: enough to point an admin at the exact place. */
export interface Provenance extends Where {
  readonly file: string;
  /** for XLSX: the cell of each field name (`Netto` → `H7`), so a field problem can name its cell */
  readonly cells?: Readonly<Record<string, string>>;
  /**
   * for an invoice line: where each of its canonical fields was read in the line's own record
   * (`netAmount` → `H7`; in a file without cells, the column's name), so an error about
   * `lines[n].netAmount` names that cell. Fields read from another record have none.
   */
  readonly fieldCells?: Readonly<Record<string, string>>;
}

/** A provenance as a place to report: without its cell maps (they are for finding a cell, not to print). */
export function provenanceWhere<P extends Where>(p: P): Omit<P, 'cells' | 'fieldCells'> {
  const { cells: _cells, fieldCells: _fieldCells, ...place } = p as P & Pick<Provenance, 'cells' | 'fieldCells'>;
  return place;
}

/** One record out of a reader: a CSV/XLSX row, a fixed-width line, an XML/JSON record. */
export interface SourceRecord {
  /** field name (header, column number as "1".., layout field name, or key) → value */
  readonly values: Readonly<Record<string, SourceValue>>;
  /** fixed-width: the record type chosen by the discriminator (e.g. "H", "L", "S") */
  readonly recordType?: string;
  readonly where: Provenance;
}

/** A file the agent has claimed from an inbox. */
export interface InboxFile {
  readonly companyId: string;
  readonly inboxId: string;
  /** the name as the ERP wrote it */
  readonly sourceName: string;
  /** where the claimed bytes are now (inside the agent's work area) */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly claimedAt: string;
  /**
   * Why this claimed file cannot be taken in at all (its bytes cannot be read, its inbox is no
   * longer configured, its mapping version is gone): it goes to errors with this as its report.
   * Never stored; found again from the file on a restart.
   */
  readonly problem?: AgentError;
}
