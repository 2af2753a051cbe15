/**
 * Lookups into reference records (contractors, products by code): the first pass over a file
 * collects the records of each lookup's type, indexed by key, so rules may use them wherever they
 * are in the file. At most limits.maxRecordsPerFile are held (docs/memory.md).
 */
import { AgentError } from '../core/errors.ts';
import type { SourceRecord } from '../core/records.ts';
import type { CompiledRule } from './compile-rule.ts';
import { srcWhere } from './compile-rule.ts';
import type { Rec, Scope } from './scope.ts';
import { recordWhere } from './source-read.ts';
import { checkHeld, type GroupEnv } from './group-building.ts';

export interface RecordLookup {
  readonly name: string;
  /** record type of the reference records */
  readonly records: string;
  readonly key: CompiledRule;
  readonly caseSensitive: boolean;
}

/** lookup name → normalised key → reference record */
export type RefIndex = ReadonlyMap<string, ReadonlyMap<string, Rec>>;

export const refKey = (l: Pick<RecordLookup, 'caseSensitive'>, text: string): string => (l.caseSensitive ? text.trim() : text.trim().toLowerCase());

/** The first pass: reference records by lookup and key, and a problem per key given twice. */
export async function collectReferences(records: AsyncIterable<SourceRecord>, lookups: readonly RecordLookup[], env: GroupEnv): Promise<{ index: RefIndex; errors: AgentError[] }> {
  const index = new Map<string, Map<string, Rec>>(lookups.map((l) => [l.name, new Map()]));
  const errors: AgentError[] = [];
  const types = new Set(lookups.map((l) => l.records));
  let held = 0;
  for await (const r of records) {
    if (r.recordType === undefined || !types.has(r.recordType)) continue;
    const rec: Rec = { values: r.values, where: r.where };
    checkHeld(++held, rec, env, 'a lookup into reference records');
    for (const l of lookups) {
      if (l.records !== r.recordType) continue;
      const scope: Scope = { invoice: rec, byType: new Map(), records: [rec], lines: [], file: rec.where.file, today: env.today };
      const o0 = l.key(scope);
      const o = o0 instanceof Promise ? await o0 : o0;
      if (o.kind === 'error') {
        errors.push(o.error);
        continue;
      }
      if (o.kind === 'empty') continue; // a record without a key cannot be looked up; nothing refers to it
      const key = refKey(l, String(o.value));
      const table = index.get(l.name)!;
      const first = table.get(key);
      if (first) {
        errors.push(new AgentError('MAP_LOOKUP_DUPLICATE_KEY', `two "${l.records}" records have key "${String(o.value)}" (lookup "${l.name}"); the first is at ${at(first)}`, {
          where: { ...recordWhere(rec.where), ...srcWhere(o.src), value: String(o.value), mapping: `${env.mappingFile}#/lookups/${l.name}/key` },
          rule: 'reference records: one record per key',
        }));
        continue;
      }
      table.set(key, rec);
    }
  }
  return { index, errors };
}

const at = (r: Rec): string => (r.where.row !== undefined ? `row ${r.where.row}` : r.where.line !== undefined ? `line ${r.where.line}` : r.where.path ?? 'an earlier record');
