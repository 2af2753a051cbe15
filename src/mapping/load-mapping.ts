/**
 * loadMapping(path): read → parse (line/column) → JSON Schema (every problem) → compile with
 * semantic checks (lookups, fixed-width layouts, JSONata syntax, date patterns, record types).
 * Any problem → MappingInvalidError (MAP_INVALID) listing all of them; nothing half-loaded.
 */
import { readFile } from 'node:fs/promises';
import { AgentError, describeError } from '../core/errors.ts';
import { checkFixedLayouts } from '../core/check-fixed-layouts.ts';
import type { InputOptions } from '../core/input-options.ts';
import { configError, type CompileCtx, type CompiledLookup } from './compile-ctx.ts';
import { compileCondition } from './compile-condition.ts';
import { compileRule, type CompiledRule } from './compile-rule.ts';
import type { CompiledField, CompiledLineSource, CompiledMapping } from './compiled-mapping.ts';
import { INVOICE_FIELDS, LINE_FIELDS, type FieldSpec, type GroupSpec } from './field-catalog.ts';
import type { Grouping } from './group-records.ts';
import { checkInputOptions, recordTypesOf, toInputOptions } from './input-options.ts';
import type { GroupJson, MappingFileJson, RecordLookupJson, RuleJson } from './mapping-file.ts';
import type { RecordLookup } from './reference-records.ts';
import { compileUnpivot, type Unpivot } from './unpivot.ts';
import type { TextPosition as Position } from '../core/json-text.ts';
import { checkJsonDocument } from './check-json-document.ts';
import { parsePath } from './record-path.ts';
import { MAPPING_SCHEMA_USE } from './schema-errors.ts';
import type { MappingName } from './mapping-names.ts';
import { companionProblems, companionRuleOf, type CompanionRule } from '../inbox/companion-rule.ts';

export class MappingInvalidError extends AgentError {
  readonly problems: readonly AgentError[];
  constructor(file: string, problems: readonly AgentError[]) {
    const first = problems[0];
    super('MAP_INVALID', `mapping ${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}${first ? `; first: ${first.message}` : ''}`, {
      kind: 'config',
      where: { file, ...(first?.where.mapping ? { mapping: first.where.mapping } : {}) },
      details: problems.map(describeError),
    });
    this.problems = problems;
  }
}

/** Reads and compiles a mapping file; throws MappingInvalidError with every problem found. */
export async function loadMapping(path: string, displayName = path): Promise<CompiledMapping> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const e = new AgentError('MAP_FILE_READ', `cannot read mapping file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { kind: 'config', where: { file: displayName }, cause: err });
    throw new MappingInvalidError(displayName, [e]);
  }
  return compileMappingText(text, displayName);
}

/** The pure part of loadMapping, for tests and for mappings held in memory. */
export function compileMappingText(text: string, file: string): CompiledMapping {
  const r = checkMappingText(text, file);
  if (!r.mapping) throw new MappingInvalidError(file, r.errors);
  return r.mapping;
}

/** Like compileMappingText, but returns the problems instead of throwing. */
export function checkMappingText(text: string, file: string): { mapping?: CompiledMapping; errors: AgentError[] } {
  const doc = checkJsonDocument(text, file, MAPPING_SCHEMA_USE);
  if (doc.value === undefined) return { errors: doc.errors };
  const errors: AgentError[] = [];
  const mapping = compileChecked(doc.value as MappingFileJson, file, doc.positions, errors);
  return errors.length > 0 ? { errors } : { mapping, errors };
}

function compileChecked(m: MappingFileJson, file: string, positions: ReadonlyMap<string, Position>, errors: AgentError[]): CompiledMapping {
  const where = { file, positions };
  const input = toInputOptions(m.input);
  if (input.format === 'fixed') {
    for (const e of checkFixedLayouts(input.fixed, `${file}#/input/fixed`)) {
      const ptr = (e.where.mapping ?? '').replace(/^.*#/, '');
      errors.push(configError(where, 'MAP_FIXED_LAYOUT', ptr, e.message, { ...(e.rule ? { rule: e.rule } : {}), ...(e.where.value !== undefined ? { value: e.where.value } : {}), details: [`reader check ${e.code}`] }));
    }
  }
  for (const p of checkInputOptions(m.input, input)) {
    errors.push(configError(where, 'MAP_INPUT_OPTION', p.pointer, p.message, { rule: 'input options (docs/readers.md)', ...(p.value !== undefined ? { value: p.value } : {}) }));
  }

  const types = recordTypes(m, input, where, errors);
  const lookups = new Map<string, CompiledLookup>();
  const recordLookups = new Map<string, RecordLookup>();
  const recordLookupJson: [string, RecordLookupJson][] = [];
  for (const [name, l] of Object.entries(m.lookups ?? {})) {
    if ('records' in l) {
      recordLookupJson.push([name, l]);
      continue;
    }
    const table = new Map<string, string>();
    for (const [k, v] of Object.entries(l.values)) table.set(l.caseSensitive ? k.trim() : k.trim().toLowerCase(), v);
    lookups.set(name, {
      name,
      unmatched: l.unmatched,
      ...(l.default !== undefined ? { default: l.default } : {}),
      get: (t) => table.get(l.caseSensitive ? t : t.toLowerCase()),
    });
  }

  const names: MappingName[] = [];
  // key rules of record lookups read the reference record itself, and may use translation tables
  const typed = typesOfInput(m, input);
  for (const [name, l] of recordLookupJson) {
    const ptr = `/lookups/${escapePointer(name)}`;
    if (typed === undefined) {
      errors.push(configError(where, 'MAP_UNKNOWN_RECORD_TYPE', `${ptr}/records`, `a lookup into "${l.records}" records needs a reader that gives records a type (${TYPED_READERS})`, { value: l.records, rule: 'record lookups need record types' }));
    } else if (!typed.open && !typed.types.has(l.records)) {
      errors.push(configError(where, 'MAP_UNKNOWN_RECORD_TYPE', `${ptr}/records`, `record type "${l.records}" has no layout in ${typed.from} (known: ${[...typed.types].join(', ')})`, { value: l.records, rule: 'record lookups name a record type of the input' }));
    }
    const keyCtx: CompileCtx = { file, positions, lookups, recordTypes: new Set(), section: 'invoice', errors, names };
    const keyRule: RuleJson = typeof l.key === 'string' ? { column: l.key } : l.key;
    const before = names.length;
    recordLookups.set(name, { name, records: l.records, key: compileRule(keyCtx, keyRule, `${ptr}/key`, TEXT), caseSensitive: l.caseSensitive === true });
    // the key is read from the reference records: their columns are what it is checked against
    for (let k = before; k < names.length; k++) names[k] = { ...names[k]!, from: l.records, ...(typeof l.key === 'string' ? { pointer: `${ptr}/key` } : {}) };
  }

  const ctxFor = (section: 'invoice' | 'line'): CompileCtx => ({ file, positions, lookups, recordLookups, recordTypes: types, section, errors, names });

  const invoiceCtx = ctxFor('invoice');
  const invoiceFields: CompiledField[] = [];
  const notes: { key: string; rule: CompiledRule; pointer: string }[] = [];
  compileGroup(invoiceCtx, INVOICE_FIELDS, m.invoice, '/invoice', '', invoiceFields, notes);
  const lineFields: CompiledField[] = [];
  compileGroup(ctxFor('line'), LINE_FIELDS, m.line, '/line', '', lineFields, notes);

  for (const [section, spec, fields] of [['invoice', INVOICE_FIELDS, invoiceFields], ['line', LINE_FIELDS, lineFields]] as const) {
    for (const path of requiredPaths(spec, '')) {
      if (!fields.some((f) => f.path === path)) {
        errors.push(configError(where, 'MAP_REQUIRED_RULE', `/${section}`, `${section}.${path} is required but has no rule`, { rule: 'required canonical fields need a rule' }));
      }
    }
  }

  const extraLines = compileExtraLines(m, ctxFor('line'));
  const grouping = compileGrouping(m, invoiceCtx);
  const unpivot = compileUnpivotOption(m, invoiceCtx);
  const skip = m.invoices.skip ? compileCondition(invoiceCtx, m.invoices.skip, '/invoices/skip', 'invoice') : undefined;
  if (grouping.per === 'record' && grouping.lines) names.push({ kind: 'path', text: grouping.lines.text, steps: grouping.lines.steps, pointer: '/invoices/lines', section: 'invoice', optional: false });
  // a key given as a column name has no rule object to point into
  const named = typeof m.invoices.key === 'string' ? names.map((n) => (n.pointer === '/invoices/key/column' ? { ...n, pointer: '/invoices/key' } : n)) : names;
  const files = m.applies?.files === undefined ? [] : typeof m.applies.files === 'string' ? [m.applies.files] : [...m.applies.files];
  const companion = compileCompanion(m, where, errors);
  return {
    name: m.name,
    file,
    applies: { ...(m.applies?.inbox ? { inbox: m.applies.inbox } : {}), ...(m.applies?.company ? { company: m.applies.company } : {}), files },
    input,
    grouping,
    ...(skip ? { skip } : {}),
    invoiceFields,
    lineFields,
    notes,
    ...(extraLines.length > 0 ? { extraLines } : {}),
    ...(unpivot ? { unpivot } : {}),
    ...(recordLookups.size > 0 ? { recordLookups: [...recordLookups.values()] } : {}),
    names: named,
    ...(companion ? { companion } : {}),
  };
}

/** `input.companion`: the companion file's name pattern and the primary's stem must be usable. */
function compileCompanion(m: MappingFileJson, where: { file: string; positions: ReadonlyMap<string, Position> }, errors: AgentError[]): CompanionRule | undefined {
  const raw = (m.input as { companion?: { files?: unknown; stem?: unknown } }).companion;
  if (!raw) return undefined;
  const problems = companionProblems(raw);
  for (const p of problems) errors.push(configError(where, 'MAP_COMPANION', `/input/companion/${p.key}`, p.message, { rule: 'input.companion: files with {stem}, stem a regular expression with group 1' }));
  return problems.length > 0 ? undefined : companionRuleOf(raw);
}

const TEXT: FieldSpec = { kind: 'field', type: 'text', description: '' };
const escapePointer = (name: string): string => name.replace(/~/g, '~0').replace(/\//g, '~1');
const TYPED_READERS = 'fixed-width layouts, xlsx sheets, sections layouts, or a csv recordType column';

/**
 * The record types the input gives: its reader's (layouts, sheets, sections, a csv type column) and,
 * for two files delivered together, the type named for each file; undefined when records have none.
 */
function typesOfInput(m: MappingFileJson, input: InputOptions): ReturnType<typeof recordTypesOf> {
  const typed = recordTypesOf(input);
  const pair = (m.input as { companion?: { type?: unknown; ownType?: unknown } }).companion;
  if (!pair || typeof pair.type !== 'string' || typeof pair.ownType !== 'string') return typed;
  return { types: new Set([...(typed?.types ?? []), pair.ownType, pair.type]), open: typed?.open ?? false, from: typed ? `${typed.from} and input.companion` : 'input.companion' };
}

function compileExtraLines(m: MappingFileJson, ctx: CompileCtx): CompiledLineSource[] {
  const out: CompiledLineSource[] = [];
  const names = new Set<string>();
  (m.extraLines ?? []).forEach((x, i) => {
    const ptr = `/extraLines/${i}`;
    let path: CompiledLineSource['path'];
    if (x.path !== undefined) {
      const steps = parsePath(x.path);
      if (!steps) ctx.errors.push(configError(ctx, 'MAP_PATH', `${ptr}/path`, `"${x.path}" is not a valid path`, { value: x.path, rule: 'names separated by / or ., optional [n]' }));
      else path = { steps, text: x.path };
    }
    if (names.has(x.name)) ctx.errors.push(configError(ctx, 'MAP_EXTRA_LINES', `${ptr}/name`, `two line sources are named "${x.name}"`, { value: x.name, rule: 'each extraLines entry has its own name' }));
    names.add(x.name);
    const named = ctx.names.length;
    const when = x.when ? compileCondition(ctx, x.when, `${ptr}/when`, 'line') : undefined;
    const fields: CompiledField[] = [];
    const notes: { key: string; rule: CompiledRule; pointer: string }[] = [];
    compileGroup(ctx, LINE_FIELDS, x.line, `${ptr}/line`, '', fields, notes);
    // its rules read the object(s) at its path in the invoice record, or the invoice record itself
    for (let k = named; k < ctx.names.length; k++) ctx.names[k] = { ...ctx.names[k]!, within: path?.steps ?? [] };
    for (const p of requiredPaths(LINE_FIELDS, '')) {
      if (!fields.some((f) => f.path === p)) ctx.errors.push(configError(ctx, 'MAP_REQUIRED_RULE', `${ptr}/line`, `extraLines "${x.name}": line.${p} is required but has no rule`, { rule: 'every line source has the required line rules' }));
    }
    out.push({ name: x.name, pointer: ptr, ...(path ? { path } : {}), ...(when ? { when } : {}), fields });
  });
  return out;
}

function compileUnpivotOption(m: MappingFileJson, ctx: CompileCtx): Unpivot | undefined {
  const u = m.invoices.unpivot;
  if (!u) return undefined;
  if (m.invoices.lines !== undefined) {
    ctx.errors.push(configError(ctx, 'MAP_UNPIVOT', '/invoices/unpivot', 'unpivot turns columns of a row into lines, so it does not go with nested lines (invoices.lines); use one or the other', { rule: 'unpivot or lines' }));
    return undefined;
  }
  const c = compileUnpivot(u.columns);
  if (typeof c === 'string') {
    ctx.errors.push(configError(ctx, 'MAP_UNPIVOT', '/invoices/unpivot/columns', c, { value: u.columns, rule: 'unpivot pattern with {n} and {field}' }));
    return undefined;
  }
  return c;
}

function requiredPaths(spec: GroupSpec, prefix: string): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(spec.fields)) {
    if (s.kind === 'field' && s.required) out.push(prefix + name);
    // buyer is always needed; other groups (seller) only when mapped
    if (s.kind === 'group' && prefix === '' && name === 'buyer') out.push(...requiredPaths(s, 'buyer.'));
  }
  return out;
}

function compileGroup(ctx: CompileCtx, spec: GroupSpec, json: GroupJson, ptr: string, prefix: string, out: CompiledField[], notes: { key: string; rule: CompiledRule; pointer: string }[]): void {
  for (const [name, v] of Object.entries(json)) {
    const s = spec.fields[name];
    const p = `${ptr}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!s || v === undefined) continue; // the schema already rejected unknown names
    if (s.kind === 'group') {
      if (s.fields['name'] && ['seller'].includes(name)) {
        const g = v as GroupJson;
        if (!g['name']) ctx.errors.push(configError(ctx, 'MAP_REQUIRED_RULE', p, `${prefix}${name}.name is required when ${name} is mapped`, { rule: 'required canonical fields need a rule' }));
      }
      compileGroup(ctx, s, v as GroupJson, p, `${prefix}${name}.`, out, notes);
    } else if (s.kind === 'map') {
      const text: FieldSpec = { kind: 'field', type: 'text', description: '' };
      for (const [key, rule] of Object.entries(v as Record<string, RuleJson>)) {
        const np = `${p}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        notes.push({ key, rule: compileRule(ctx, rule, np, text), pointer: np });
      }
    } else {
      const rule = v as RuleJson;
      out.push({ path: prefix + name, spec: s, rule: compileRule(ctx, rule, p, s), pointer: p, required: rule.required === true });
    }
  }
}

function recordTypes(m: MappingFileJson, input: InputOptions, where: { file: string; positions: ReadonlyMap<string, Position> }, errors: AgentError[]): ReadonlySet<string> {
  const inv = m.invoices;
  const allowed: Record<string, readonly string[]> = { header: ['header', 'line', 'other'], join: ['header', 'line'] };
  for (const k of ['header', 'line', 'other'] as const) {
    if (inv[k] !== undefined && !(allowed[inv.per] ?? []).includes(k)) {
      errors.push(configError(where, 'MAP_GROUPING', `/invoices/${k}`, `${k} only applies to ${k === 'other' ? 'per "header"' : 'per "header" and per "join"'} (master-detail); this mapping groups per "${inv.per}"`, { rule: 'invoices options must fit per' }));
    }
  }
  if (inv.per !== 'header' && inv.per !== 'join') return new Set();
  const named = new Set<string>([inv.header!, ...(typeof inv.line === 'string' ? [inv.line] : (inv.line ?? [])), ...(inv.other ?? [])]);
  const typed = typesOfInput(m, input);
  if (!typed) {
    errors.push(configError(where, 'MAP_GROUPING', '/invoices/per', `per "${inv.per}" needs records with a type (${TYPED_READERS}); for nested XML/JSON lines use per "record" with lines`, { rule: 'master-detail by record type' }));
    return inv.per === 'header' ? named : new Set();
  }
  const known = typed.types;
  const check = (t: string, ptr: string) => {
    if (!typed.open && !known.has(t)) errors.push(configError(where, 'MAP_UNKNOWN_RECORD_TYPE', ptr, `record type "${t}" has no layout in ${typed.from} (known: ${[...known].join(', ')})`, { value: t, rule: 'master-detail record types must be the input\'s record types' }));
  };
  check(inv.header!, '/invoices/header');
  if (typeof inv.line === 'string') check(inv.line, '/invoices/line');
  else (inv.line ?? []).forEach((t, i) => check(t, `/invoices/line/${i}`));
  (inv.other ?? []).forEach((t, i) => check(t, `/invoices/other/${i}`));
  // per join: lines and headers are separate records; rules read them as invoice and line only
  return inv.per === 'header' ? named : new Set();
}

function compileGrouping(m: MappingFileJson, ctx: CompileCtx): Grouping {
  const inv = m.invoices;
  if (inv.lines !== undefined && inv.per !== 'record') {
    ctx.errors.push(configError(ctx, 'MAP_GROUPING', '/invoices/lines', `lines (nested lines) only applies to per "record"; this mapping groups per "${inv.per}"`, { rule: 'invoices options must fit per' }));
  }
  if (inv.key !== undefined && inv.per !== 'key' && inv.per !== 'join') {
    ctx.errors.push(configError(ctx, 'MAP_GROUPING', '/invoices/key', `key only applies to per "key" and per "join"; this mapping groups per "${inv.per}"`, { rule: 'invoices options must fit per' }));
  }
  if (inv.adjacent !== undefined && inv.per !== 'key') {
    ctx.errors.push(configError(ctx, 'MAP_GROUPING', '/invoices/adjacent', `adjacent only applies to per "key"; this mapping groups per "${inv.per}"`, { rule: 'invoices options must fit per' }));
  }
  if (inv.lineKey !== undefined && inv.per !== 'join') {
    ctx.errors.push(configError(ctx, 'MAP_GROUPING', '/invoices/lineKey', `lineKey only applies to per "join"; this mapping groups per "${inv.per}"`, { rule: 'invoices options must fit per' }));
  }
  switch (inv.per) {
    case 'file':
      return { per: 'file' };
    case 'record': {
      if (inv.lines === undefined) return { per: 'record' };
      const steps = parsePath(inv.lines);
      if (!steps) {
        ctx.errors.push(configError(ctx, 'MAP_PATH', '/invoices/lines', `"${inv.lines}" is not a valid path`, { value: inv.lines }));
        return { per: 'record' };
      }
      return { per: 'record', lines: { steps, text: inv.lines } };
    }
    case 'key': {
      const rule: RuleJson = typeof inv.key === 'string' ? { column: inv.key } : inv.key!;
      const text: FieldSpec = { kind: 'field', type: 'text', description: '' };
      return { per: 'key', key: compileRule(ctx, rule, '/invoices/key', text), keyPointer: '/invoices/key', ...(inv.adjacent === false ? { adjacent: false as const } : {}) };
    }
    case 'join': {
      // both keys are read from their own record, which the rules see as the invoice record
      const rule = (k: string | RuleJson): RuleJson => (typeof k === 'string' ? { column: k } : k);
      const key = compileRule(ctx, rule(inv.key!), '/invoices/key', TEXT);
      const before = ctx.names.length;
      const lineKey = compileRule(ctx, rule(inv.lineKey!), '/invoices/lineKey', TEXT);
      // the line key is read from the line records: its names are checked against their columns
      for (let k = before; k < ctx.names.length; k++) ctx.names[k] = { ...ctx.names[k]!, section: 'line' };
      return { per: 'join', header: inv.header!, line: inv.line as string, key, lineKey };
    }
    case 'header': {
      const line = new Set(typeof inv.line === 'string' ? [inv.line] : (inv.line ?? []));
      return { per: 'header', header: inv.header!, line, other: new Set(inv.other ?? []) };
    }
  }
}
