/**
 * One group of records → one canonical invoice, or every problem found in it (all fields of all
 * lines are evaluated, so an admin sees every mistake at once).
 */
import { lineField } from '../invoice/line-field.ts';
import { AgentError } from '../core/errors.ts';
import type { CompanyProfile, Invoice, InvoiceLine } from '../core/invoice.ts';
import { provenanceWhere, type Provenance, type SourceValue } from '../core/records.ts';
import { walkPath } from './record-path.ts';
import type { RefIndex } from './reference-records.ts';
import type { CompiledField, CompiledLineSource, CompiledMapping } from './compiled-mapping.ts';
import type { FieldValue, Src } from './compile-rule.ts';
import { INVOICE_FIELDS, LINE_FIELDS, catalogEntries, type CatalogEntry, type GroupSpec, type InvoiceFieldPath, type LineFieldPath } from './field-catalog.ts';
import type { Group } from './group-records.ts';
import { buildParty } from './build-party.ts';
import { buildFaExtras, groupPresent, type AttachmentRowText, type FaExtras } from './build-fa-extras.ts';
import type { Rec, Scope } from './scope.ts';
import { recordWhere } from './source-read.ts';

export type MappedInvoice =
  | { readonly ok: true; readonly invoice: Invoice }
  | { readonly ok: false; readonly number?: string; readonly errors: readonly AgentError[]; readonly where: Provenance };

export interface MapContext {
  readonly company?: CompanyProfile;
  /** local date yyyy-mm-dd, bound as $today in expressions */
  readonly today: string;
}

/** A path a mapping writes (typed from the catalog: a misspelt path does not compile), or a group of them. */
export type FieldPath = InvoiceFieldPath | LineFieldPath;
type GroupPath<P extends string> = P extends `${infer G}.${infer R}` ? G | `${G}.${GroupPath<R>}` : never;

/** Evaluated values of one section: canonical path → value, and where each came from. */
export class Values {
  readonly v = new Map<string, FieldValue>();
  readonly src = new Map<string, Src>();
  str(p: FieldPath): string | undefined {
    const x = this.v.get(p);
    return x === undefined ? undefined : String(x);
  }
  bool(p: FieldPath): boolean | undefined {
    const x = this.v.get(p);
    return typeof x === 'boolean' ? x : undefined;
  }
  has(prefix: FieldPath | GroupPath<FieldPath>): boolean {
    for (const k of this.v.keys()) if (k === prefix || k.startsWith(prefix + '.')) return true;
    return false;
  }
}

async function evaluate(fields: readonly CompiledField[], scope: Scope, rec: Rec, fieldPrefix: string, invoice: string | undefined, mappingFile: string, errors: AgentError[]): Promise<Values> {
  const vals = new Values();
  for (const f of fields) {
    const pending = f.rule(scope);
    const out = pending instanceof Promise ? await pending : pending;
    const field = fieldPrefix + f.path;
    if (out.kind === 'error') {
      errors.push(out.error.at({ field, ...(invoice ? { invoice } : {}) }));
      continue;
    }
    vals.src.set(f.path, out.src);
    if (out.kind === 'value') vals.v.set(f.path, out.value);
    else if (f.required) errors.push(missing(rec, field, `${mappingFile}#${f.pointer}`, invoice));
  }
  return vals;
}

export function missing(rec: Rec, field: string, mapping: string, invoice: string | undefined): AgentError {
  return new AgentError('MAP_REQUIRED', `required field ${field} is empty`, {
    where: { ...recordWhere(rec.where), field, mapping, ...(invoice ? { invoice } : {}) },
    rule: 'required field',
  });
}

/** Catalog-required fields, computed once: path, and the group that must have values for it to count (buyer always). */
interface RequiredField {
  readonly path: string;
  /** derived from the catalog, so a path of it */
  readonly group?: GroupPath<FieldPath>;
}
function requiredFields(spec: GroupSpec, prefix = '', group?: GroupPath<FieldPath>): RequiredField[] {
  const out: RequiredField[] = [];
  for (const [name, s] of Object.entries(spec.fields)) {
    const path = prefix + name;
    if (s.kind === 'group') out.push(...requiredFields(s, path + '.', path === 'buyer' || path === 'thirdParties' ? undefined : (group ?? (path as GroupPath<FieldPath>))));
    else if (s.kind === 'field' && s.required) out.push(group ? { path, group } : { path });
  }
  return out;
}
const REQUIRED_INVOICE = requiredFields(INVOICE_FIELDS);
const REQUIRED_LINE = requiredFields(LINE_FIELDS);

function checkRequired(required: readonly RequiredField[], vals: Values, fields: readonly CompiledField[], rec: Rec, fieldPrefix: string, mappingFile: string, sectionPtr: string, invoice: string | undefined, errors: AgentError[]): void {
  for (const r of required) {
    if (vals.v.has(r.path) || (r.group !== undefined && !groupPresent(vals, r.group))) continue;
    const field = fieldPrefix + r.path;
    if (errors.some((e) => e.where.field === field)) continue;
    const f = fields.find((x) => x.path === r.path);
    errors.push(missing(rec, field, `${mappingFile}#${f ? f.pointer : sectionPtr}`, invoice));
  }
}

export async function buildInvoice(m: CompiledMapping, group: Group, file: string, ctx: MapContext, refs?: RefIndex): Promise<MappedInvoice> {
  if (group.stray) return { ok: false, errors: group.errors, where: group.invoice.where };
  const errors: AgentError[] = [];
  const base: Scope = { invoice: group.invoice, byType: group.byType, records: group.records, lines: group.lines, file, today: ctx.today, ...(ctx.company ? { company: ctx.company } : {}), ...(refs ? { refs } : {}) };

  const numberField = m.invoiceFields.find((f) => f.path === 'number');
  const numOut = numberField ? await numberField.rule(base) : undefined; // at most once per invoice
  const number = numOut?.kind === 'value' ? String(numOut.value) : undefined;
  for (const e of group.errors) errors.push(number ? e.at({ invoice: number }) : e);

  const inv = await evaluate(m.invoiceFields, base, group.invoice, '', number, m.file, errors);
  checkRequired(REQUIRED_INVOICE, inv, m.invoiceFields, group.invoice, '', m.file, '/invoice', number, errors);
  const needs: [InvoiceFieldPath | GroupPath<InvoiceFieldPath>, InvoiceFieldPath][] = [['correction.originalNumber', 'correction.originalIssueDate'], ['advance', 'advance.amountReceived']];
  for (const [given, needed] of needs) {
    if (inv.has(given) && !inv.v.has(needed)) {
      const f = m.invoiceFields.find((x) => x.path === needed);
      errors.push(missing(group.invoice, needed, `${m.file}#${f ? f.pointer : '/invoice'}`, number));
    }
  }

  // the main lines, then each extra line source's, each read by its own rules
  const sources: { rec: Rec; fields: readonly CompiledField[]; pointer: string }[] = group.lines.map((rec) => ({ rec, fields: m.lineFields, pointer: '/line' }));
  for (const x of m.extraLines ?? []) {
    for (const rec of extraRecords(x, group.invoice, m.file, errors)) {
      if (x.when) {
        const ok0 = x.when({ ...base, line: rec });
        const ok = ok0 instanceof Promise ? await ok0 : ok0;
        if (ok instanceof AgentError) errors.push(number ? ok.at({ invoice: number }) : ok);
        if (ok !== true) continue;
      }
      sources.push({ rec, fields: x.fields, pointer: `${x.pointer}/line` });
    }
  }
  const lines: InvoiceLine[] = [];
  const attachmentRows: AttachmentRowText[] = [];
  if (sources.length === 0 && group.errors.length === 0) {
    errors.push(new AgentError('MAP_NO_LINES', 'the invoice has no lines', { where: { ...recordWhere(group.invoice.where), ...(number ? { invoice: number } : {}), mapping: `${m.file}#/invoices` }, rule: 'an invoice needs at least one line' }));
  }
  for (let i = 0; i < sources.length; i++) {
    const { rec, fields, pointer } = sources[i]!;
    const scope: Scope = { ...base, line: rec };
    const prefix = lineField(i, '');
    const lv = await evaluate(fields, scope, rec, prefix, number, m.file, errors);
    checkRequired(REQUIRED_LINE, lv, fields, rec, prefix, m.file, pointer, number, errors);
    lines.push(lineFrom(lv, rec));
    const row = lv.str('attachmentRow');
    if (row !== undefined) attachmentRows.push({ text: row, line: i + 1, where: rec.where });
  }

  const notes: { key: string; value: string }[] = [];
  for (const n of m.notes) {
    const out = await n.rule(base); // notes are few
    if (out.kind === 'error') errors.push(out.error.at({ field: `notes.${n.key}`, ...(number ? { invoice: number } : {}) }));
    else if (out.kind === 'value') notes.push({ key: n.key, value: String(out.value) });
  }

  const buyer = buildParty(inv, 'buyer', group.invoice, number, errors);
  const seller = inv.has('seller') ? buildParty(inv, 'seller', group.invoice, number, errors) : undefined;
  const extras = buildFaExtras(inv, attachmentRows, group.invoice, number, errors);

  if (errors.length > 0 || !buyer || number === undefined) {
    return { ok: false, ...(number !== undefined ? { number } : {}), errors, where: group.invoice.where };
  }
  return { ok: true, invoice: assemble(inv, number, buyer, seller, lines, notes, group.invoice.where, extras) };
}

/** The records one extra line source gives for an invoice: the invoice record, or the object(s) at its path. */
function extraRecords(x: CompiledLineSource, invoice: Rec, mappingFile: string, errors: AgentError[]): Rec[] {
  if (!x.path) return [invoice];
  const found = walkPath(invoice.values, x.path.steps);
  if (found === undefined || found === null || found === '') return [];
  const many = Array.isArray(found);
  const items: readonly SourceValue[] = many ? found : [found];
  const base = `${invoice.where.path ?? ''}/${x.path.text.replace(/^\/+/, '')}`;
  const out: Rec[] = [];
  items.forEach((item, i) => {
    const where = { ...invoice.where, path: many ? `${base}[${i + 1}]` : base };
    if (item === null) return;
    if (typeof item !== 'object' || Array.isArray(item)) {
      errors.push(new AgentError('MAP_LINES_SHAPE', `extraLines "${x.name}": a line must be a structure with fields, not a single value`, { where: { ...recordWhere(where), mapping: `${mappingFile}#${x.pointer}/path` }, rule: `extraLines path ${x.path!.text}` }));
      return;
    }
    // an object with no value in it (`"delivery": {}`) is an absent source, not a line with every field missing
    if (Object.values(item).every((v) => v === null || v === '' || (typeof v === 'object' && Object.keys(v).length === 0))) return;
    out.push({ values: item as Rec['values'], where });
  });
  return out;
}

function lineFrom(lv: Values, rec: Rec): InvoiceLine {
  // description and vatRate are required: a line without them never reaches an invoice
  const line = place(LINE_ENTRIES, lv) as Draft<InvoiceLine>;
  line.description ??= '';
  line.vatRate ??= '23';
  const fieldCells = fieldCellsOf(lv, rec);
  line.provenance = { ...provenanceWhere(rec.where), ...(fieldCells ? { fieldCells } : {}) };
  return line as InvoiceLine;
}

/**
 * Where each placed field of a line was read in the line's own record: its cell (XLSX), or the
 * column's name in a record without cells (CSV, fixed-width, JSON Lines); nothing for a value
 * from another record (the invoice's, a lookup), a path inside XML/JSON, a constant or an expression.
 */
function fieldCellsOf(lv: Values, rec: Rec): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let any = false;
  for (const e of LINE_ENTRIES) {
    const src = lv.src.get(e.path);
    if (!lv.v.has(e.path) || src?.rec !== rec || src.column === undefined) continue;
    const cell = rec.where.cells ? rec.where.cells[src.column] : rec.where.path === undefined ? src.column : undefined;
    if (cell === undefined) continue;
    out[e.to] = cell;
    any = true;
  }
  return any ? out : undefined;
}

/** Catalog fields with where each lands, computed once (the party fields are built by buildParty). */
const INVOICE_ENTRIES = catalogEntries(INVOICE_FIELDS).filter((e) => e.spec.kind === 'field' && !e.builtBy);
const LINE_ENTRIES = catalogEntries(LINE_FIELDS).filter((e) => e.spec.kind === 'field' && !e.builtBy);
/** top-level key order of an invoice: the catalog's, lines after pricing, provenance last */
const INVOICE_KEYS: readonly string[] = Object.keys(INVOICE_FIELDS.fields).flatMap((k) => (k === 'pricing' ? [k, 'lines'] : [k])).concat('provenance');

type Draft<T> = { -readonly [K in keyof T]?: T[K] };

/**
 * Puts every evaluated value where its catalog field says it lands (`payment.dueDate`,
 * `annotations.exemption.text`, `correction.corrected[0].number`), as text or, for yes/no fields,
 * a boolean. The values were converted by their field's type when the rules ran.
 */
function place(entries: readonly CatalogEntry[], v: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of entries) {
    const path = e.path as FieldPath; // a catalog entry's own path
    const x = e.spec.kind === 'field' && e.spec.type === 'boolean' ? v.bool(path) : v.str(path);
    if (x !== undefined) setAt(out, e.to, x);
  }
  return out;
}

/** Sets `a.b[0].c` in o, creating objects and lists on the way. */
function setAt(o: Record<string, unknown>, path: string, value: unknown): void {
  const steps = path.split(/\.|(?=\[)/).map((s) => (/^\[\d+\]$/.test(s) ? Number(s.slice(1, -1)) : s));
  let cur: Record<string | number, unknown> = o;
  steps.forEach((step, i) => {
    if (i === steps.length - 1) {
      cur[step] = value;
      return;
    }
    cur[step] ??= typeof steps[i + 1] === 'number' ? [] : {};
    cur = cur[step] as Record<string | number, unknown>;
  });
}

function assemble(v: Values, number: string, buyer: Invoice['buyer'], seller: Invoice['seller'], lines: InvoiceLine[], notes: { key: string; value: string }[], provenance: Provenance, extras: FaExtras): Invoice {
  const d = place(INVOICE_ENTRIES, v) as Draft<Invoice>;
  // What the catalog cannot say: values from outside the field rules, and the model's defaults.
  Object.assign(d, { number, buyer, lines, provenance }, seller ? { seller } : {}, notes.length > 0 ? { notes } : {}, extras); // extras: thirdParties, lineKind, attachment (build-fa-extras.ts)
  if (d.correction) {
    // the corrected invoice exists when its number is given (its issue date is then required)
    const corrected = (d.correction.corrected ?? []).filter((c) => c.number !== undefined).map((c) => ({ ...c, issueDate: c.issueDate ?? '' }));
    d.correction = { ...d.correction, corrected };
  }
  d.kind ??= d.correction?.corrected[0] ? 'KOR' : 'VAT';
  d.currency ??= 'PLN';
  d.pricing ??= inferPricing(lines);
  d.issueDate ??= '';
  if (d.salePeriod) d.salePeriod = { from: d.salePeriod.from ?? '', to: d.salePeriod.to ?? '' };
  if (d.annotations?.exemption) {
    // an exemption is its text; the basis alone says nothing (default: the law)
    const { exemption, ...rest } = d.annotations;
    d.annotations = exemption.text ? { ...rest, exemption: { basis: exemption.basis ?? 'law', text: exemption.text } } : rest;
  }
  if (d.advance) d.advance = { ...d.advance, amountReceived: d.advance.amountReceived ?? '' };
  // a stable key order (the catalog's); anything else set above keeps its place after it
  const all = d as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const k of [...INVOICE_KEYS, ...Object.keys(all)]) if (all[k] !== undefined && !(k in ordered)) ordered[k] = all[k];
  return ordered as unknown as Invoice;
}

function inferPricing(lines: readonly InvoiceLine[]): 'net' | 'gross' {
  const anyNet = lines.some((l) => l.unitNetPrice !== undefined || l.netAmount !== undefined);
  const anyGross = lines.some((l) => l.unitGrossPrice !== undefined || l.grossAmount !== undefined);
  return anyGross && !anyNet ? 'gross' : 'net';
}
