/** Conditions (`when`, `skip`): compiled once into async predicates over the scope. */
import { AgentError } from '../core/errors.ts';
import { compileExpr, configError, type CompileCtx } from './compile-ctx.ts';
import type { ConditionJson } from './mapping-file.ts';
import { expressionBindings } from './expr-bindings.ts';
import { makeReader, readSource, recordWhere } from './source-read.ts';
import type { Scope } from './scope.ts';
import { checkFrom } from './check-from.ts';

/** Synchronous unless JSONata is involved. */
export type Condition = (scope: Scope) => boolean | AgentError | Promise<boolean | AgentError>;

/** `optional`: the enclosing rule said the names it reads may be absent from a file. */
export function compileCondition(ctx: CompileCtx, c: ConditionJson, ptr: string, defaultFrom: string, inheritedOptional = false): Condition {
  const optional = inheritedOptional || c.optional === true;
  const never: Condition = () => false;
  const combos = ['all', 'any', 'not', 'expr'].filter((k) => k in c);
  const tests = ['present', 'equals', 'notEquals', 'in', 'matches'].filter((k) => k in c);
  const hasSource = c.column !== undefined || c.path !== undefined;
  if (combos.length + (hasSource ? 1 : 0) !== 1 || (hasSource && tests.length !== 1) || (!hasSource && tests.length > 0)) {
    ctx.errors.push(configError(ctx, 'MAP_CONDITION', ptr, 'a condition needs either a column or path with exactly one test (present, equals, notEquals, in, matches), or one of expr, all, any, not', { rule: 'condition shape' }));
    return never;
  }
  if (c.all || c.any) {
    const list = (c.all ?? c.any)!.map((x, k) => compileCondition(ctx, x, `${ptr}/${c.all ? 'all' : 'any'}/${k}`, defaultFrom, optional));
    const every = c.all !== undefined;
    const run = async (scope: Scope, k: number): Promise<boolean | AgentError> => {
      for (let i = k; i < list.length; i++) {
        const r = await list[i]!(scope);
        if (r instanceof AgentError) return r;
        if (every !== r) return r;
      }
      return every;
    };
    return (scope) => {
      for (let i = 0; i < list.length; i++) {
        const r = list[i]!(scope);
        if (r instanceof Promise) return r.then((x) => (x instanceof AgentError || every !== x ? x : run(scope, i + 1)));
        if (r instanceof AgentError) return r;
        if (every !== r) return r;
      }
      return every;
    };
  }
  if (c.not) {
    const inner = compileCondition(ctx, c.not, `${ptr}/not`, defaultFrom, optional);
    const flip = (r: boolean | AgentError) => (r instanceof AgentError ? r : !r);
    return (scope) => {
      const r = inner(scope);
      return r instanceof Promise ? r.then(flip) : flip(r);
    };
  }
  if (c.expr !== undefined) {
    const e = compileExpr(ctx, c.expr, `${ptr}/expr`);
    if (!e) return never;
    const mapping = `${ctx.file}#${ptr}/expr`;
    return async (scope) => {
      try {
        const r = await e.evaluate(scope.line?.values ?? scope.invoice.values, expressionBindings(scope));
        return Boolean(r) && !(Array.isArray(r) && r.length === 0);
      } catch (err) {
        return new AgentError('MAP_EXPR_ERROR', `JSONata condition failed: ${(err as Error).message}`, { where: { ...recordWhere((scope.line ?? scope.invoice).where), mapping }, rule: c.expr });
      }
    };
  }
  const from = c.from ?? defaultFrom;
  checkFrom(ctx, from, `${ptr}/from`);
  const reader = makeReader(c.column, c.path);
  if (reader === 'bad-path' || reader === undefined) {
    ctx.errors.push(configError(ctx, 'MAP_PATH', `${ptr}/path`, `"${c.path}" is not a valid path`, { rule: 'names separated by / or ., optional [n]' }));
    return never;
  }
  ctx.names.push({
    kind: 'column' in reader ? 'column' : 'path',
    text: 'column' in reader ? reader.column : reader.text,
    ...('path' in reader ? { steps: reader.path } : {}),
    pointer: `${ptr}/${'column' in reader ? 'column' : 'path'}`,
    section: ctx.section,
    ...(c.from !== undefined ? { from: c.from } : {}),
    optional,
  });
  let regex: RegExp | undefined;
  if (c.matches !== undefined) {
    try {
      regex = new RegExp(c.matches);
    } catch (err) {
      ctx.errors.push(configError(ctx, 'MAP_REGEX', `${ptr}/matches`, `not a valid regular expression: ${(err as Error).message}`, { value: c.matches }));
      return never;
    }
  }
  const mapping = `${ctx.file}#${ptr}`;
  return (scope) => {
    const r = readSource(scope, from, reader, mapping);
    if (r.error) return r.error;
    const v = (r.text ?? '').trim();
    if (c.present !== undefined) return c.present === (v !== '');
    if (c.equals !== undefined) return v === c.equals;
    if (c.notEquals !== undefined) return v !== c.notEquals;
    if (c.in !== undefined) return c.in.includes(v);
    return regex!.test(v);
  };
}
