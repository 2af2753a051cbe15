/**
 * Groupings that need the whole file before any invoice is known: per key with rows anywhere
 * (adjacent: false) and per join (header and line records of different types matched by key).
 * Every record is held until the end of the file, at most limits.maxRecordsPerFile (docs/memory.md).
 */
import { AgentError } from '../core/errors.ts';
import type { CompiledRule } from './compile-rule.ts';
import { Building, checkHeld, checkInvoiceSize, keyOf, strayGroup, type Group, type GroupEnv, type Kept } from './group-building.ts';
import type { Rec } from './scope.ts';
import { recordWhere } from './source-read.ts';

export interface JoinGrouping {
  readonly per: 'join';
  /** record type of header records */
  readonly header: string;
  /** record type of line records */
  readonly line: string;
  /** the key of a header record */
  readonly key: CompiledRule;
  /** the header key a line record names */
  readonly lineKey: CompiledRule;
}

type HeldGrouping = JoinGrouping | { readonly per: 'key'; readonly key: CompiledRule; readonly keyPointer: string; readonly adjacent?: false };

/** In file order: an invoice being collected, or a record that is an error on its own. */
type Entry = Building | Group;

export async function* groupHeld(records: AsyncIterable<Kept>, grouping: HeldGrouping, env: GroupEnv): AsyncGenerator<Group> {
  const entries: Entry[] = [];
  const byKey = new Map<string, Building>();
  /** per join: line records waiting for the end of the file, by the key they name */
  const linesByKey = new Map<string, Rec[]>();
  const lineWhere = new Map<Rec, ReturnType<typeof recordWhere>>();
  const late: Group[] = [];
  let held = 0;
  const why = grouping.per === 'join' ? 'per "join"' : 'per "key" with adjacent: false';

  for await (const kept of records) {
    if (kept.stray) {
      entries.push(kept.stray);
      continue;
    }
    const { rec } = kept;
    checkHeld(++held, rec, env, why);
    if (grouping.per === 'key') {
      const k = await keyOf(grouping.key, rec, env, 'invoices.key', grouping.keyPointer, 'grouping key');
      if (k instanceof AgentError) {
        entries.push(strayGroup(rec, k));
        continue;
      }
      let b = byKey.get(k.key);
      if (!b) {
        b = new Building(rec);
        byKey.set(k.key, b);
        entries.push(b);
      }
      b.records.push(rec);
      b.addLine(rec, env);
      checkInvoiceSize(b, rec, env);
      continue;
    }
    const type = kept.recordType;
    if (type === grouping.header) {
      const k = await keyOf(grouping.key, rec, env, 'invoices.key', '/invoices/key', 'invoice key');
      if (k instanceof AgentError) {
        entries.push(strayGroup(rec, k));
        continue;
      }
      if (byKey.has(k.key)) {
        entries.push(strayGroup(rec, new AgentError('MAP_JOIN_DUPLICATE_KEY', `a second "${grouping.header}" record has invoice key "${k.key}"; the first is at ${at(byKey.get(k.key)!.invoice)}`, {
          where: { ...recordWhere(rec.where), ...k.where, field: 'invoices.key', value: k.key, mapping: `${env.mappingFile}#/invoices/key` },
          rule: 'per join: one header record per key',
        })));
        continue;
      }
      const b = new Building(rec);
      b.records.push(rec);
      byKey.set(k.key, b);
      entries.push(b);
    } else if (type === grouping.line) {
      const k = await keyOf(grouping.lineKey, rec, env, 'invoices.lineKey', '/invoices/lineKey', 'invoice key of this line');
      if (k instanceof AgentError) {
        late.push(strayGroup(rec, k));
        continue;
      }
      let list = linesByKey.get(k.key);
      if (!list) linesByKey.set(k.key, (list = []));
      list.push(rec);
      lineWhere.set(rec, { ...recordWhere(rec.where), ...k.where });
    } else {
      entries.push(strayGroup(rec, new AgentError('MAP_UNEXPECTED_RECORD', `record type "${type}" is not named in invoices.header or line`, { where: { ...recordWhere(rec.where), value: type, mapping: `${env.mappingFile}#/invoices` }, rule: 'per join record types' })));
    }
  }

  if (grouping.per === 'join') {
    for (const [key, list] of linesByKey) {
      const b = byKey.get(key);
      if (!b) continue;
      for (const rec of list) {
        b.records.push(rec);
        b.addLine(rec, env);
        checkInvoiceSize(b, rec, env);
      }
    }
    // orphans in file order, after the invoices
    const orphans = [...linesByKey].filter(([key]) => !byKey.has(key)).flatMap(([key, list]) => list.map((rec) => ({ key, rec })));
    orphans.sort((a, b) => order(a.rec) - order(b.rec));
    for (const { key, rec } of orphans) {
      late.push(strayGroup(rec, new AgentError('MAP_JOIN_ORPHAN_LINE', `the "${grouping.line}" record has invoice key "${key}", but no "${grouping.header}" record has that key`, {
        where: { ...lineWhere.get(rec)!, field: 'invoices.lineKey', value: key, mapping: `${env.mappingFile}#/invoices/lineKey` },
        rule: 'per join: every line belongs to a header with the same key',
      })));
    }
    late.sort((a, b) => order(a.invoice) - order(b.invoice));
  }
  for (const e of entries) yield e instanceof Building ? e.done() : e;
  yield* late;
}

const at = (r: Rec): string => (r.where.row !== undefined ? `row ${r.where.row}` : r.where.line !== undefined ? `line ${r.where.line}` : r.where.path ?? 'an earlier record');

/** File order of records of one sheet/section: their row or line number. */
const order = (r: Rec): number => r.where.row ?? r.where.line ?? 0;
