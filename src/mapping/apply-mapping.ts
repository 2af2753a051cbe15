/**
 * mapRecords: a reader's records → canonical invoices, one group in memory at a time. Each
 * invoice comes out either built or with every problem found in it; one bad invoice does not
 * stop the others (the pipeline decides what a bad invoice means for its file). The names the
 * mapping uses are checked against the records on the way (check-names.ts): a column that is not
 * in the file stops the file with MAP_COLUMN_UNKNOWN (thrown as NameCheckError).
 */
import type { SourceRecord } from '../core/records.ts';
import { buildInvoice, type MapContext, type MappedInvoice } from './build-invoice.ts';
import { checkNames, type NameCheckOptions } from './check-names.ts';
import type { CompiledMapping } from './compiled-mapping.ts';
import { groupRecords } from './group-records.ts';

export type { MapContext, MappedInvoice } from './build-invoice.ts';
export type { NameCheckOptions } from './check-names.ts';

export async function* mapRecords(
  mapping: CompiledMapping,
  records: AsyncIterable<SourceRecord>,
  ctx: MapContext,
  limits?: { readonly maxLinesPerInvoice: number },
  checks: NameCheckOptions = { unmatchedPaths: 'warning' },
): AsyncIterable<MappedInvoice> {
  const env = { today: ctx.today, mappingFile: mapping.file, ...(limits ? { maxLinesPerInvoice: limits.maxLinesPerInvoice } : {}) };
  for await (const group of groupRecords(checkNames(mapping, records, checks), mapping.grouping, mapping.skip, env)) {
    yield await buildInvoice(mapping, group, group.invoice.where.file, ctx);
  }
}
