/**
 * mapRecords: a reader's records → canonical invoices, one group in memory at a time. Each
 * invoice comes out either built or with every problem found in it; one bad invoice does not
 * stop the others (the pipeline decides what a bad invoice means for its file).
 */
import type { SourceRecord } from '../core/records.ts';
import { buildInvoice, type MapContext, type MappedInvoice } from './build-invoice.ts';
import type { CompiledMapping } from './compiled-mapping.ts';
import { groupRecords } from './group-records.ts';

export type { MapContext, MappedInvoice } from './build-invoice.ts';

export async function* mapRecords(mapping: CompiledMapping, records: AsyncIterable<SourceRecord>, ctx: MapContext, limits?: { readonly maxLinesPerInvoice: number }): AsyncIterable<MappedInvoice> {
  const env = { today: ctx.today, mappingFile: mapping.file, ...(limits ? { maxLinesPerInvoice: limits.maxLinesPerInvoice } : {}) };
  for await (const group of groupRecords(records, mapping.grouping, mapping.skip, env)) {
    yield await buildInvoice(mapping, group, group.invoice.where.file, ctx);
  }
}
