/**
 * mapRecords: a reader's records → canonical invoices, one group in memory at a time (unless the
 * grouping must hold the file: per join, per key with adjacent false). Each invoice comes out
 * either built or with every problem found in it; one bad invoice does not stop the others (the
 * pipeline decides what a bad invoice means for its file). The names the mapping uses are checked
 * against the records on the way (check-names.ts): a column that is not in the file stops the
 * file with MAP_COLUMN_UNKNOWN (thrown as NameCheckError).
 *
 * Lookups into reference records need the file twice: a first pass collects the reference
 * records, the second maps. Give `records` as a function that opens the records again on each
 * call (readRecords of the file); a plain iterable is read once and held in memory instead.
 */
import type { SourceRecord } from '../core/records.ts';
import { buildInvoice, type MapContext, type MappedInvoice } from './build-invoice.ts';
import { checkNames, type NameCheckOptions } from './check-names.ts';
import type { CompiledMapping } from './compiled-mapping.ts';
import { checkHeld } from './group-building.ts';
import { groupRecords } from './group-records.ts';
import { collectReferences } from './reference-records.ts';

export type { MapContext, MappedInvoice } from './build-invoice.ts';
export type { NameCheckOptions } from './check-names.ts';

/** Records to map: read once as given, or opened again on each call. */
export type RecordSource = AsyncIterable<SourceRecord> | (() => AsyncIterable<SourceRecord>);

export interface MapLimits {
  readonly maxLinesPerInvoice: number;
  /** bounds what is held when the whole file is needed at once (joins, no adjacency, reference records) */
  readonly maxRecordsPerFile?: number;
}

export async function* mapRecords(
  mapping: CompiledMapping,
  records: RecordSource,
  ctx: MapContext,
  limits?: MapLimits,
  checks: NameCheckOptions = { unmatchedPaths: 'warning' },
): AsyncIterable<MappedInvoice> {
  const env = {
    today: ctx.today,
    mappingFile: mapping.file,
    ...(limits ? { maxLinesPerInvoice: limits.maxLinesPerInvoice } : {}),
    ...(limits?.maxRecordsPerFile !== undefined ? { maxRecordsPerFile: limits.maxRecordsPerFile } : {}),
    ...(mapping.unpivot ? { unpivot: mapping.unpivot } : {}),
  };
  const lookups = mapping.recordLookups ?? [];
  let open: () => AsyncIterable<SourceRecord>;
  if (typeof records === 'function') open = records;
  else if (lookups.length === 0) open = () => records;
  else {
    const held: SourceRecord[] = [];
    for await (const r of records) {
      checkHeld(held.length + 1, r, env, 'a lookup into reference records (records given once)');
      held.push(r);
    }
    open = () => replay(held);
  }
  if (lookups.length === 0) {
    for await (const group of groupRecords(checkNames(mapping, open(), checks), mapping.grouping, mapping.skip, env)) yield await buildInvoice(mapping, group, group.invoice.where.file, ctx);
    return;
  }
  const { index, errors } = await collectReferences(open(), lookups, env);
  for (const e of errors) yield { ok: false, errors: [e], where: { file: e.where.file ?? '', ...e.where } };
  const refTypes = new Set(lookups.map((l) => l.records));
  const withRefs = { ...env, refs: index };
  // names are checked on every record, reference records included (a lookup's field names their columns)
  for await (const group of groupRecords(withoutTypes(checkNames(mapping, open(), checks), refTypes, mapping), mapping.grouping, mapping.skip, withRefs)) {
    yield await buildInvoice(mapping, group, group.invoice.where.file, ctx, index);
  }
}

/** Reference records are not documents: grouping does not see them (unless grouping names their type). */
async function* withoutTypes(records: AsyncIterable<SourceRecord>, types: ReadonlySet<string>, mapping: CompiledMapping): AsyncIterable<SourceRecord> {
  const g = mapping.grouping;
  const grouped = new Set(g.per === 'header' ? [g.header, ...g.line, ...g.other] : g.per === 'join' ? [g.header, g.line] : []);
  for await (const r of records) if (r.recordType === undefined || !types.has(r.recordType) || grouped.has(r.recordType)) yield r;
}

async function* replay(records: readonly SourceRecord[]): AsyncIterable<SourceRecord> {
  yield* records;
}
