/** What grouping strategies share: one invoice being built, its size checks, and a record's key. */
import { AgentError } from '../core/errors.ts';
import { limitExceeded } from '../core/limits.ts';
import type { SourceRecord } from '../core/records.ts';
import type { Condition } from './compile-condition.ts';
import type { CompiledRule } from './compile-rule.ts';
import { srcWhere } from './compile-rule.ts';
import type { RefIndex } from './reference-records.ts';
import type { Rec, Scope } from './scope.ts';
import { recordWhere } from './source-read.ts';
import { unpivotRecord, type Unpivot } from './unpivot.ts';

export interface Group {
  readonly invoice: Rec;
  readonly lines: readonly Rec[];
  readonly byType: ReadonlyMap<string, Rec>;
  readonly records: readonly Rec[];
  /** problems found while grouping (the invoice cannot be trusted) */
  readonly errors: readonly AgentError[];
  /** not an invoice at all: a record that belongs to none, reported with its errors only */
  readonly stray?: boolean;
}

export interface GroupEnv {
  readonly today: string;
  readonly mappingFile: string;
  /** limits.maxLinesPerInvoice: grouping stops with LIMIT_LINES_PER_INVOICE past it (one invoice is held whole) */
  readonly maxLinesPerInvoice?: number;
  /** limits.maxRecordsPerFile: bounds what is held when a whole file must be read before invoices are known */
  readonly maxRecordsPerFile?: number;
  readonly unpivot?: Unpivot;
  /** reference records found in the first pass, for record lookups in key rules */
  readonly refs?: RefIndex;
}

export class Building {
  readonly lines: Rec[] = [];
  readonly records: Rec[] = [];
  readonly byType = new Map<string, Rec>();
  readonly errors: AgentError[] = [];
  constructor(readonly invoice: Rec) {}
  /** a line record (or, with unpivot, the lines of its column groups) */
  addLine(rec: Rec, env: GroupEnv): void {
    if (!env.unpivot) this.lines.push(rec);
    else for (const l of unpivotRecord(rec, env.unpivot)) this.lines.push(l);
  }
  done(): Group {
    return { invoice: this.invoice, lines: this.lines, byType: this.byType, records: this.records, errors: this.errors };
  }
}

export const strayGroup = (rec: Rec, error: AgentError): Group => ({ invoice: rec, lines: [], byType: new Map(), records: [rec], errors: [error], stray: true });

/** A record to group, or a record whose `skip` rule failed: an error on its own, in file order. */
export type Kept = { readonly rec: Rec; readonly recordType: string; readonly stray?: undefined } | { readonly stray: Group };

/** The records the mapping's `skip` rule keeps (all without one), for every way of grouping. */
export async function* keptRecords(records: AsyncIterable<SourceRecord>, skip: Condition | undefined, env: GroupEnv): AsyncGenerator<Kept> {
  for await (const r of records) {
    const rec: Rec = { values: r.values, where: r.where };
    if (skip) {
      const s0 = skip(soloScope(rec, env));
      const s = s0 instanceof Promise ? await s0 : s0;
      if (s instanceof AgentError) {
        yield { stray: strayGroup(rec, s) };
        continue;
      }
      if (s) continue;
    }
    yield { rec, recordType: r.recordType ?? '' };
  }
}

/**
 * One invoice's records are held until it is complete, so their number is what bounds memory:
 * stop at the first line over the limit (and at twice as many records of other kinds).
 */
export function checkInvoiceSize(b: Building, rec: Rec, env: GroupEnv): void {
  const max = env.maxLinesPerInvoice;
  if (max === undefined || (b.lines.length <= max && b.records.length <= 2 * max)) return;
  const what = b.lines.length > max ? `more than ${max} lines` : `more than ${2 * max} records`;
  throw limitExceeded('maxLinesPerInvoice', max, `one invoice has ${what} (it starts at ${describeStart(b.invoice)})`, recordWhere(rec.where));
}

/** Records held until the end of the file (no adjacency, joins): at most limits.maxRecordsPerFile. */
export function checkHeld(held: number, rec: Rec, env: GroupEnv, why: string): void {
  const max = env.maxRecordsPerFile;
  if (max === undefined || held <= max) return;
  throw limitExceeded('maxRecordsPerFile', max, `${why} holds every record until the end of the file, and the file has more than ${max}`, recordWhere(rec.where));
}

const describeStart = (r: Rec): string =>
  r.where.row !== undefined ? `row ${r.where.row}` : r.where.line !== undefined ? `line ${r.where.line}` : r.where.path ?? 'the first record';

export function soloScope(rec: Rec, env: GroupEnv): Scope {
  return { invoice: rec, byType: new Map(), records: [rec], lines: [], file: rec.where.file, today: env.today, ...(env.refs ? { refs: env.refs } : {}) };
}

/** A record's key by `rule`, or the error saying why it has none. */
export async function keyOf(rule: CompiledRule, rec: Rec, env: GroupEnv, field: string, pointer: string, what: string): Promise<{ key: string; where: ReturnType<typeof srcWhere> } | AgentError> {
  const k0 = rule(soloScope(rec, env));
  const k = k0 instanceof Promise ? await k0 : k0;
  if (k.kind === 'error') return k.error;
  if (k.kind === 'empty') {
    return new AgentError('MAP_GROUP_KEY_EMPTY', `the ${what} is empty, so this record belongs to no invoice`, { where: { ...recordWhere(rec.where), ...srcWhere(k.src), field, mapping: `${env.mappingFile}#${pointer}` }, rule: `invoices ${field}` });
  }
  return { key: String(k.value), where: srcWhere(k.src) };
}
