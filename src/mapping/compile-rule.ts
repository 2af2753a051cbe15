/**
 * A field rule compiled once at load into an async function: source → text transforms → lookup →
 * typed conversion. Problems with the rule itself are load errors (MAP_…, kind config); problems
 * with the data are returned as AgentErrors naming record, value and rule.
 */
import { AgentError, type Where } from '../core/errors.ts';
import { compileExpr, configError, type CompileCtx, type CompiledLookup } from './compile-ctx.ts';
import { compileCondition, type Condition } from './compile-condition.ts';
import { compileDatePattern } from './date-pattern.ts';
import { convertTyped, type Converter } from './convert-typed.ts';
import { isValidTimeZone, numberToDecimal, type DateStyle } from './convert.ts';
import type { FieldSpec } from './field-catalog.ts';
import type { RuleJson } from './mapping-file.ts';
import { expressionBindings } from './expr-bindings.ts';
import { makeReader, readSource, recordWhere } from './source-read.ts';
import { parsePath, toScalar, walkPath } from './record-path.ts';
import { pickRecord, type Rec, type Scope } from './scope.ts';
import { refKey } from './reference-records.ts';
import { checkFrom } from './check-from.ts';
import type { MappingName } from './mapping-names.ts';
import { normaliseNip } from '../core/nip.ts';

export type FieldValue = string | boolean;

/** Where a value came from; turned into a Where only when a problem must be reported. */
export interface Src {
  readonly rec?: Rec;
  readonly column?: string;
}

export function srcWhere(src: Src): Where {
  return src.rec ? recordWhere(src.rec.where, src.column !== undefined ? { column: src.column } : undefined) : {};
}

export type RuleOutcome =
  | { readonly kind: 'value'; readonly value: FieldValue; readonly src: Src }
  | { readonly kind: 'empty'; readonly src: Src }
  | { readonly kind: 'error'; readonly error: AgentError };

/** Synchronous unless the rule (or its condition) evaluates JSONata. */
export type CompiledRule = (scope: Scope) => RuleOutcome | Promise<RuleOutcome>;

const NOWHERE: Src = {};
const EMPTY: RuleOutcome = { kind: 'empty', src: NOWHERE };

const SOURCES = ['column', 'path', 'value', 'template', 'expr', 'first'] as const;
const CONVERSIONS = ['trim', 'case', 'removeChars', 'nip', 'lookup', 'decimal', 'impliedDecimals', 'negate', 'date', 'timeZone'] as const;

/** `optional`: an enclosing rule (of a `first` alternative) said the names it reads may be absent. */
export function compileRule(ctx: CompileCtx, rule: RuleJson, ptr: string, spec: FieldSpec, inheritedOptional = false): CompiledRule {
  const mapping = `${ctx.file}#${ptr}`;
  const optional = inheritedOptional || rule.optional === true;
  const sources = SOURCES.filter((s) => rule[s] !== undefined);
  const failed: CompiledRule = () => EMPTY;
  if (sources.length !== 1) {
    ctx.errors.push(
      configError(ctx, 'MAP_RULE_SOURCE', ptr, sources.length === 0 ? 'the rule has no source: give one of column, path, value, template, expr, first' : `the rule has ${sources.length} sources (${sources.join(', ')}); give exactly one`, { rule: 'exactly one source per rule' }),
    );
    return failed;
  }
  const from = rule.from ?? ctx.section;
  if (rule.from !== undefined) checkFrom(ctx, rule.from, `${ptr}/from`);
  const when: Condition | undefined = rule.when ? compileCondition(ctx, rule.when, `${ptr}/when`, from, optional) : undefined;
  const named = (kind: MappingName['kind'], text: string, steps: MappingName['steps'], at: string): void => {
    ctx.names.push({ kind, text, ...(steps ? { steps } : {}), pointer: at, section: ctx.section, ...(rule.from !== undefined ? { from: rule.from } : {}), optional });
  };
  const conv = compileConverter(ctx, rule, ptr, spec);

  let defaultValue: FieldValue | undefined;
  if (rule.default !== undefined) {
    const d = convertTyped(rule.default, spec, CANONICAL);
    if (!d.ok) ctx.errors.push(configError(ctx, 'MAP_DEFAULT_INVALID', `${ptr}/default`, `the default "${rule.default}" is not a valid ${spec.type}: ${d.reason}`, { value: rule.default, rule: 'defaults are written in canonical form' }));
    else defaultValue = d.value;
  }

  const withWhen = (inner: CompiledRule): CompiledRule =>
    when === undefined
      ? inner
      : (scope) => {
          const ok = when(scope);
          const decide = (r: boolean | AgentError): RuleOutcome | Promise<RuleOutcome> => (r instanceof AgentError ? { kind: 'error', error: r } : r ? inner(scope) : EMPTY);
          return ok instanceof Promise ? ok.then(decide) : decide(ok);
        };

  const recordLookup = compileRecordLookup(ctx, rule, ptr, optional);
  const finish = (text: string | undefined, src: Src, scope: Scope): RuleOutcome => {
    let t = text;
    if (t !== undefined && rule.trim !== false) t = t.trim();
    if (t === undefined || t === '') return defaultValue !== undefined ? { kind: 'value', value: defaultValue, src } : { kind: 'empty', src };
    if (recordLookup) {
      const found = recordLookup(t, src, scope, mapping);
      if ('error' in found) return { kind: 'error', error: found.error };
      src = found.src;
      t = found.text?.trim();
      if (t === undefined || t === '') return { kind: 'empty', src };
      text = found.text;
    }
    const r = conv.run(t);
    if (r.ok) return r.value === undefined ? { kind: 'empty', src } : { kind: 'value', value: r.value, src };
    return { kind: 'error', error: new AgentError(r.code, r.message, { where: { ...srcWhere(src), value: text ?? '', mapping }, rule: r.rule }) };
  };

  const source = sources[0]!;
  if (source === 'first') {
    const bad = CONVERSIONS.filter((k) => rule[k] !== undefined);
    if (bad.length > 0 || rule.from !== undefined) {
      ctx.errors.push(configError(ctx, 'MAP_RULE_CONFLICT', ptr, `first cannot be combined with ${[...bad, ...(rule.from ? ['from'] : [])].join(', ')}; put those on each alternative`, { rule: 'first with when, default and required only' }));
    }
    const alts = rule.first!.map((a, k) => compileRule(ctx, a, `${ptr}/first/${k}`, spec, optional));
    const fallback = (last: Src): RuleOutcome => (defaultValue !== undefined ? { kind: 'value', value: defaultValue, src: last } : { kind: 'empty', src: last });
    const from = (scope: Scope, k: number, last: Src): RuleOutcome | Promise<RuleOutcome> => {
      for (let i = k; i < alts.length; i++) {
        const r = alts[i]!(scope);
        if (r instanceof Promise) return r.then((x) => (x.kind !== 'empty' ? x : from(scope, i + 1, x.src)));
        if (r.kind !== 'empty') return r;
        last = r.src;
      }
      return fallback(last);
    };
    return withWhen((scope) => from(scope, 0, NOWHERE));
  }
  if (source === 'value') {
    const c = convertTyped(rule.value!, spec, CANONICAL);
    if (!c.ok) {
      ctx.errors.push(configError(ctx, 'MAP_VALUE_INVALID', `${ptr}/value`, `the constant "${rule.value}" is not a valid ${spec.type}: ${c.reason}`, { value: rule.value!, rule: 'constants are written in canonical form' }));
      return failed;
    }
    const value = c.value;
    return withWhen((scope) => {
      const src: Src = { rec: pickRecord(scope, from) ?? scope.invoice };
      return value === undefined ? { kind: 'empty', src } : { kind: 'value', value, src };
    });
  }
  if (source === 'column' || source === 'path') {
    const reader = makeReader(rule.column, rule.path);
    if (reader === 'bad-path' || reader === undefined) {
      ctx.errors.push(configError(ctx, 'MAP_PATH', `${ptr}/path`, `"${rule.path}" is not a valid path`, { value: rule.path ?? '', rule: 'names separated by / or ., @attr, optional [n]' }));
      return failed;
    }
    const column = 'column' in reader ? reader.column : undefined;
    if ('column' in reader) named('column', reader.column, undefined, `${ptr}/column`);
    else named('path', reader.text, reader.path, `${ptr}/path`);
    return withWhen((scope) => {
      const r = readSource(scope, from, reader, mapping);
      if (r.error) return { kind: 'error', error: r.error };
      return finish(r.text, r.rec ? { rec: r.rec, ...(column !== undefined ? { column } : {}) } : NOWHERE, scope);
    });
  }
  if (source === 'template') {
    const parts = parseTemplate(rule.template!);
    if (typeof parts === 'string') {
      ctx.errors.push(configError(ctx, 'MAP_TEMPLATE', `${ptr}/template`, parts, { value: rule.template!, rule: 'template placeholders {Name}' }));
      return failed;
    }
    for (const p of parts) if (typeof p !== 'string') named('placeholder', p.name, p.steps, `${ptr}/template`);
    return withWhen((scope) => {
      const rec = pickRecord(scope, from);
      if (!rec) return finish(undefined, NOWHERE, scope);
      let out = '';
      let any = false;
      for (const p of parts) {
        if (typeof p === 'string') { out += p; continue; }
        const raw = p.name in rec.values ? rec.values[p.name] : p.steps ? walkPath(rec.values, p.steps) : undefined;
        const s = toScalar(raw);
        if (!s.ok) return { kind: 'error', error: new AgentError('MAP_NOT_A_VALUE', `{${p.name}}: ${s.reason}`, { where: { ...recordWhere(rec.where), mapping }, rule: `template ${rule.template}` }) };
        const t = (s.text ?? '').trim();
        if (t !== '') any = true;
        out += t;
      }
      return finish(any ? out.replace(/[ \t]{2,}/g, ' ') : undefined, { rec }, scope);
    });
  }
  // expr
  const e = compileExpr(ctx, rule.expr!, `${ptr}/expr`);
  if (!e) return failed;
  return withWhen(async (scope) => {
    const rec = pickRecord(scope, from) ?? scope.invoice;
    const src: Src = { rec };
    const where = recordWhere(rec.where);
    let r: unknown;
    try {
      r = await e.evaluate(rec.values, expressionBindings(scope));
    } catch (err) {
      return { kind: 'error', error: new AgentError('MAP_EXPR_ERROR', `JSONata expression failed: ${(err as Error).message}`, { where: { ...where, mapping: `${mapping}/expr` }, rule: rule.expr! }) };
    }
    if (Array.isArray(r) && r.length === 1) r = r[0];
    if (r === undefined || r === null) return finish(undefined, src, scope);
    if (typeof r === 'boolean') return spec.type === 'boolean' ? { kind: 'value', value: r, src } : finish(String(r), src, scope);
    if (typeof r === 'number') {
      const d = numberToDecimal(r);
      if (d === undefined) return { kind: 'error', error: new AgentError('MAP_EXPR_RESULT', `the expression gave ${r}, not a usable number`, { where: { ...where, value: String(r), mapping: `${mapping}/expr` }, rule: rule.expr! }) };
      return finish(d, src, scope);
    }
    if (typeof r === 'string') return finish(r, src, scope);
    return { kind: 'error', error: new AgentError('MAP_EXPR_RESULT', 'the expression gave a list or object where one value is expected', { where: { ...where, value: JSON.stringify(r).slice(0, 80), mapping: `${mapping}/expr` }, rule: rule.expr! }) };
  });
}

const CANONICAL = { canonical: true } as const;

type FoundRecord = { readonly text: string | undefined; readonly src: Src } | { readonly error: AgentError };

/**
 * `lookup` naming a lookup into reference records, with `field`: the rule's value is the key, the
 * value used is the matched record's `field`. Text conversions and the typed conversion then
 * apply to that value (the key is matched trimmed, by the lookup's caseSensitive). A `field`
 * with `{placeholders}` is a template over the matched record ("{KodPocztowy} {Miasto}": an
 * address line from two columns of a contractor). The names `field` reads are checked against
 * the reference records of the file (MAP_COLUMN_UNKNOWN / MAP_PATH_UNMATCHED), as any column.
 */
function compileRecordLookup(ctx: CompileCtx, rule: RuleJson, ptr: string, optional: boolean): ((key: string, src: Src, scope: Scope, mapping: string) => FoundRecord) | undefined {
  const l = rule.lookup !== undefined ? ctx.recordLookups?.get(rule.lookup) : undefined;
  if (!l) {
    if (rule.field !== undefined) {
      ctx.errors.push(configError(ctx, 'MAP_LOOKUP_FIELD', `${ptr}/field`, rule.lookup === undefined ? 'field reads a column of a reference record, so the rule needs lookup naming a lookup into records' : `field only goes with a lookup into records; "${rule.lookup}" is a translation table`, { rule: 'field with a record lookup' }));
    }
    return undefined;
  }
  if (rule.field === undefined) {
    ctx.errors.push(configError(ctx, 'MAP_LOOKUP_FIELD', `${ptr}/lookup`, `"${l.name}" is a lookup into "${l.records}" records; say which of their columns to read with field`, { value: l.name, rule: 'a record lookup needs field' }));
    return undefined;
  }
  const field = rule.field;
  const template = field.includes('{') || field.includes('}') ? parseTemplate(field) : undefined;
  if (typeof template === 'string') {
    ctx.errors.push(configError(ctx, 'MAP_TEMPLATE', `${ptr}/field`, template, { value: field, rule: 'field: a column of the reference record, or a template of its columns {Name}' }));
    return undefined;
  }
  const parts: readonly TemplatePart[] = template ?? [{ name: field, steps: parsePath(field) }];
  for (const p of parts) {
    if (typeof p === 'string') continue;
    ctx.names.push({ kind: template ? 'placeholder' : 'column', text: p.name, ...(p.steps ? { steps: p.steps } : {}), pointer: `${ptr}/field`, section: ctx.section, from: l.records, within: [], optional });
  }
  return (key, src, scope, mapping) => {
    const hit = scope.refs?.get(l.name)?.get(refKey(l, key));
    if (!hit) {
      return { error: new AgentError('MAP_LOOKUP_UNMATCHED', `no "${l.records}" record has key "${key}" (lookup "${l.name}")`, { where: { ...srcWhere(src), value: key, mapping }, rule: `lookup ${l.name} into ${l.records} records` }) };
    }
    const at: Src = { rec: hit, column: field };
    let out = '';
    let any = false;
    for (const p of parts) {
      if (typeof p === 'string') { out += p; continue; }
      const s = toScalar(p.name in hit.values ? hit.values[p.name] : p.steps ? walkPath(hit.values, p.steps) : undefined);
      if (!s.ok) return { error: new AgentError('MAP_NOT_A_VALUE', s.reason, { where: { ...srcWhere({ rec: hit, column: p.name }), mapping }, rule: `field ${field} of lookup ${l.name}` }) };
      if (!template) return { text: s.text, src: at };
      const t = (s.text ?? '').trim();
      if (t !== '') any = true;
      out += t;
    }
    return { text: any ? out.replace(/[ \t]{2,}/g, ' ') : undefined, src: at };
  };
}

/** Text transforms, lookup and typed conversion of one rule, checked at load. */
function compileConverter(ctx: CompileCtx, rule: RuleJson, ptr: string, spec: FieldSpec): Converter {
  let lookup: CompiledLookup | undefined;
  if (rule.lookup !== undefined && !ctx.recordLookups?.has(rule.lookup)) {
    lookup = ctx.lookups.get(rule.lookup);
    if (!lookup) {
      ctx.errors.push(configError(ctx, 'MAP_UNKNOWN_LOOKUP', `${ptr}/lookup`, `there is no lookup table "${rule.lookup}"${ctx.lookups.size + (ctx.recordLookups?.size ?? 0) ? `; defined: ${[...ctx.lookups.keys(), ...(ctx.recordLookups?.keys() ?? [])].join(', ')}` : '; define it under lookups'}`, { value: rule.lookup, rule: 'lookup names a table in lookups' }));
    }
  }
  const numeric = ['decimal', 'impliedDecimals', 'negate'].filter((k) => rule[k as keyof RuleJson] !== undefined);
  if (numeric.length > 0 && spec.type !== 'decimal') {
    ctx.errors.push(configError(ctx, 'MAP_RULE_OPTION', `${ptr}/${numeric[0]}`, `${numeric.join(', ')} only apply to number fields; this field is ${spec.type}`, { rule: 'options must fit the field type' }));
  }
  let date: DateStyle | undefined;
  if ((rule.date !== undefined || rule.timeZone !== undefined) && spec.type !== 'date') {
    ctx.errors.push(configError(ctx, 'MAP_RULE_OPTION', `${ptr}/${rule.date !== undefined ? 'date' : 'timeZone'}`, `date and timeZone only apply to date fields; this field is ${spec.type}`, { rule: 'options must fit the field type' }));
  }
  const tz = rule.timeZone ?? 'Europe/Warsaw';
  if (!isValidTimeZone(tz)) ctx.errors.push(configError(ctx, 'MAP_TIME_ZONE', `${ptr}/timeZone`, `unknown time zone "${tz}"`, { value: tz, rule: 'IANA time zone such as Europe/Warsaw' }));
  if (rule.date === undefined || rule.date === 'iso') date = { kind: 'iso', timeZone: tz };
  else if (rule.date === 'excel') date = { kind: 'excel' };
  else {
    const p = compileDatePattern(rule.date);
    if (typeof p === 'string') {
      ctx.errors.push(configError(ctx, 'MAP_DATE_PATTERN', `${ptr}/date`, `invalid date pattern "${rule.date}": ${p}`, { value: rule.date, rule: 'date pattern' }));
      date = { kind: 'iso', timeZone: tz };
    } else date = { kind: 'pattern', parser: p };
  }
  const opts = { decimal: rule.decimal ?? 'auto', impliedDecimals: rule.impliedDecimals ?? 0, negate: rule.negate ?? false, date, nip: rule.nip ?? false } as const;
  const remove = rule.removeChars;
  return {
    run(text) {
      let t = text;
      if (remove) t = [...t].filter((ch) => !remove.includes(ch)).join('');
      if (rule.nip) t = normaliseNip(t);
      if (rule.case === 'upper') t = t.toUpperCase();
      else if (rule.case === 'lower') t = t.toLowerCase();
      if (lookup) {
        const hit = lookup.get(t);
        if (hit !== undefined) t = hit;
        else if (lookup.unmatched === 'default') t = lookup.default ?? '';
        else if (lookup.unmatched === 'error') {
          return { ok: false, code: 'MAP_LOOKUP_UNMATCHED', message: `"${t}" is not in lookup table "${lookup.name}"`, rule: `lookup ${lookup.name} (unmatched: error)` };
        }
        if (t === '') return { ok: true, value: undefined };
      }
      return toRun(convertTyped(t, spec, opts));
    },
  };
}

function toRun(r: ReturnType<typeof convertTyped>): ReturnType<Converter['run']> {
  return r.ok ? { ok: true, value: r.value } : { ok: false, code: r.code, message: r.reason, rule: r.rule };
}

type TemplatePart = string | { name: string; steps: ReturnType<typeof parsePath> };

function parseTemplate(t: string): TemplatePart[] | string {
  const parts: TemplatePart[] = [];
  let i = 0, lit = '';
  while (i < t.length) {
    if (t.startsWith('{{', i)) { lit += '{'; i += 2; continue; }
    if (t.startsWith('}}', i)) { lit += '}'; i += 2; continue; }
    if (t[i] === '}') return `unmatched "}" at character ${i + 1} (write }} for a literal brace)`;
    if (t[i] === '{') {
      const end = t.indexOf('}', i);
      if (end < 0) return `"{" at character ${i + 1} is not closed`;
      const name = t.slice(i + 1, end).trim();
      if (name === '') return `empty placeholder at character ${i + 1}`;
      if (lit) { parts.push(lit); lit = ''; }
      parts.push({ name, steps: parsePath(name) });
      i = end + 1;
      continue;
    }
    lit += t[i];
    i++;
  }
  if (lit) parts.push(lit);
  if (!parts.some((p) => typeof p !== 'string')) return 'the template has no {placeholder}; use value for a constant';
  return parts;
}
