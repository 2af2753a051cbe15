/** Load-time context shared by the rule, condition and expression compilers. */
import jsonata from 'jsonata';
import Big from 'big.js';
import { AgentError, type Where } from '../core/errors.ts';
import type { TextPosition as Position } from '../core/json-text.ts';
import type { Section } from './scope.ts';
import type { MappingName } from './mapping-names.ts';
import { canonicalDecimal } from './convert.ts';
import type { RecordLookup } from './reference-records.ts';

export interface CompiledLookup {
  readonly name: string;
  get(text: string): string | undefined;
  readonly unmatched: 'error' | 'default' | 'pass';
  readonly default?: string;
}

export interface CompileCtx {
  /** mapping file as shown to people */
  readonly file: string;
  readonly positions: ReadonlyMap<string, Position>;
  readonly lookups: ReadonlyMap<string, CompiledLookup>;
  /** lookups into reference records (name → the lookup); rules read them with lookup + field */
  readonly recordLookups?: ReadonlyMap<string, Pick<RecordLookup, 'name' | 'records' | 'caseSensitive'>>;
  /** master-detail record types a rule may read with `from` (besides invoice/line) */
  readonly recordTypes: ReadonlySet<string>;
  readonly section: Section;
  readonly errors: AgentError[];
  /** every column and path the mapping names (checked against each file: check-names.ts) */
  readonly names: MappingName[];
}

export function mappingWhere(ctx: Pick<CompileCtx, 'file' | 'positions'>, pointer: string): Where {
  const p = ctx.positions.get(pointer);
  return { file: ctx.file, ...(p ? { line: p.line, column: p.column } : {}), mapping: `${ctx.file}#${pointer}` };
}

export function configError(ctx: Pick<CompileCtx, 'file' | 'positions'>, code: string, pointer: string, message: string, extra: { rule?: string; details?: readonly string[]; value?: string } = {}): AgentError {
  const where = { ...mappingWhere(ctx, pointer), ...(extra.value !== undefined ? { value: extra.value } : {}) };
  return new AgentError(code, message, {
    kind: 'config',
    where,
    ...(extra.rule !== undefined ? { rule: extra.rule } : {}),
    ...(extra.details !== undefined ? { details: extra.details } : {}),
  });
}

export type Expr = jsonata.Expression;

/** Compiles a JSONata expression once; a syntax error becomes MAP_EXPR_SYNTAX with its position. */
export function compileExpr(ctx: CompileCtx, source: string, pointer: string): Expr | undefined {
  try {
    const e = jsonata(source, { timeout: 2000, stack: 200 } as jsonata.JsonataOptions);
    e.registerFunction('decimalSum', decimalSum);
    return e;
  } catch (err) {
    const je = err as { code?: string; position?: number; token?: string; message?: string };
    const at = je.position !== undefined ? ` at character ${je.position}` : '';
    ctx.errors.push(
      configError(ctx, 'MAP_EXPR_SYNTAX', pointer, `JSONata syntax error${at}: ${je.message ?? String(err)}`, {
        rule: 'JSONata expression',
        value: source,
        details: [`jsonata code ${je.code ?? '?'}`, ...(je.position !== undefined ? [`position ${je.position}`] : []), ...(je.token !== undefined ? [`token ${je.token}`] : [])],
      }),
    );
    return undefined;
  }
}

/** $decimalSum(values): exact decimal sum of numbers or decimal texts (dot or comma), as text. */
function decimalSum(values: unknown): string | undefined {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  let sum = new Big(0);
  for (const v of list) {
    if (v === null || v === undefined || v === '') continue;
    const s = typeof v === 'number' ? String(v) : String(v).replace(/\s/g, '').replace(',', '.');
    try {
      sum = sum.plus(new Big(s));
    } catch {
      throw new Error(`$decimalSum: "${String(v)}" is not a number`);
    }
  }
  return canonicalDecimal(sum);
}
