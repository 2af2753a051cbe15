/**
 * Grouping records into invoices, streaming: at most one invoice's records are held at a time.
 * per file | per record (optionally with nested lines) | per key (adjacent records) | per header
 * (master-detail by record type). Per key without adjacency and per join hold the whole file
 * (group-held.ts).
 */
import { AgentError } from '../core/errors.ts';
import type { SourceRecord, SourceValue } from '../core/records.ts';
import type { Condition } from './compile-condition.ts';
import type { CompiledRule } from './compile-rule.ts';
import { walkPath, type PathStep, type Values } from './record-path.ts';
import type { Rec } from './scope.ts';
import { recordWhere } from './source-read.ts';
import { Building, checkInvoiceSize, keptRecords, soloScope, type Group, type GroupEnv } from './group-building.ts';
import { groupHeld, type JoinGrouping } from './group-held.ts';

export type Grouping =
  | { readonly per: 'file' }
  | { readonly per: 'record'; readonly lines?: { readonly steps: readonly PathStep[]; readonly text: string } }
  | { readonly per: 'key'; readonly key: CompiledRule; readonly keyPointer: string; readonly adjacent?: false }
  | { readonly per: 'header'; readonly header: string; readonly line: ReadonlySet<string>; readonly other: ReadonlySet<string> }
  | JoinGrouping;

export type { Group } from './group-building.ts';
type Env = GroupEnv;

export async function* groupRecords(records: AsyncIterable<SourceRecord>, grouping: Grouping, skip: Condition | undefined, env: Env): AsyncGenerator<Group> {
  const kept = keptRecords(records, skip, env);
  if (grouping.per === 'join' || (grouping.per === 'key' && grouping.adjacent === false)) {
    yield* groupHeld(kept, grouping, env);
    return;
  }
  let cur: Building | undefined;
  let curKey: string | undefined;
  const seenKeys = new Set<string>();

  for await (const k of kept) {
    if (k.stray) {
      yield k.stray;
      continue;
    }
    const { rec } = k;
    switch (grouping.per) {
      case 'file':
        cur ??= new Building(rec);
        cur.records.push(rec);
        cur.addLine(rec, env);
        checkInvoiceSize(cur, rec, env);
        break;
      case 'record': {
        const b = new Building(rec);
        b.records.push(rec);
        if (!grouping.lines) b.addLine(rec, env);
        else nestedLines(rec, grouping.lines, b, env);
        checkInvoiceSize(b, rec, env);
        yield b.done();
        break;
      }
      case 'key': {
        const k0 = grouping.key(soloScope(rec, env));
        const k = k0 instanceof Promise ? await k0 : k0;
        let key: string | undefined;
        let err: AgentError | undefined;
        if (k.kind === 'error') err = k.error;
        else if (k.kind === 'empty') err = new AgentError('MAP_GROUP_KEY_EMPTY', 'the grouping key is empty, so this record belongs to no invoice', { where: { ...recordWhere(rec.where), field: 'invoices.key', mapping: `${env.mappingFile}#${grouping.keyPointer}` }, rule: 'invoices per key' });
        else key = String(k.value);
        if (cur && key !== undefined && key === curKey) {
          cur.records.push(rec);
          cur.addLine(rec, env);
          checkInvoiceSize(cur, rec, env);
          break;
        }
        if (cur) yield cur.done();
        cur = new Building(rec);
        curKey = key;
        cur.records.push(rec);
        cur.addLine(rec, env);
        if (err) cur.errors.push(err);
        else if (seenKeys.has(key!)) {
          cur.errors.push(
            new AgentError('MAP_GROUP_KEY_REPEATED', `records of invoice key "${key}" are not adjacent: the key appeared earlier in the file, then other records came between`, {
              where: { ...recordWhere(rec.where), field: 'invoices.key', value: key!, invoice: key!, mapping: `${env.mappingFile}#${grouping.keyPointer}` },
              rule: 'rows of one invoice must follow each other (sort the export by invoice number)',
            }),
          );
        }
        if (key !== undefined) seenKeys.add(key);
        break;
      }
      case 'header': {
        const type = k.recordType;
        if (type === grouping.header) {
          if (cur) yield cur.done();
          cur = new Building(rec);
          cur.records.push(rec);
        } else if (grouping.line.has(type) || grouping.other.has(type)) {
          if (!cur) {
            yield {
              invoice: rec, lines: [], byType: new Map(), records: [rec], stray: true,
              errors: [new AgentError('MAP_ORPHAN_RECORD', `a "${type}" record came before any "${grouping.header}" header record`, { where: { ...recordWhere(rec.where), value: type, mapping: `${env.mappingFile}#/invoices` }, rule: `master-detail: ${grouping.header} header first` })],
            };
            break;
          }
          cur.records.push(rec);
          if (grouping.line.has(type)) cur.addLine(rec, env);
          else if (!cur.byType.has(type)) cur.byType.set(type, rec);
          checkInvoiceSize(cur, rec, env);
        } else {
          const err = new AgentError('MAP_UNEXPECTED_RECORD', `record type "${type}" is not named in invoices.header, line or other`, { where: { ...recordWhere(rec.where), value: type, mapping: `${env.mappingFile}#/invoices` }, rule: 'master-detail record types' });
          if (cur) cur.errors.push(err);
          else yield { invoice: rec, lines: [], byType: new Map(), records: [rec], errors: [err], stray: true };
        }
        break;
      }
    }
  }
  if (cur) yield cur.done();
}

function nestedLines(rec: Rec, lines: { readonly steps: readonly PathStep[]; readonly text: string }, b: Building, env: Env): void {
  const found = walkPath(rec.values, lines.steps);
  const items: readonly SourceValue[] = found === undefined || found === null ? [] : Array.isArray(found) ? found : [found];
  const base = rec.where.path ?? '';
  items.forEach((item, i) => {
    const where = { ...rec.where, path: `${base}/${lines.text.replace(/^\/+/, '')}[${i + 1}]` };
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      b.errors.push(new AgentError('MAP_LINES_SHAPE', 'a line must be a structure with fields, not a single value', { where: { ...recordWhere(where), mapping: `${env.mappingFile}#/invoices/lines` }, rule: `lines path ${lines.text}` }));
      return;
    }
    b.lines.push({ values: item as Values, where });
  });
}
