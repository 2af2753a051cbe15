/**
 * The field catalog and the Invoice type are one declaration: every catalog field lands on an
 * Invoice (InvoiceLine) property of a compatible type, and every Invoice property a mapping can
 * fill has a catalog field. Checked twice: by the compiler (the type-level assertions below fail
 * `npm run typecheck` when they disagree) and at run time (a mapping that fills every catalog
 * field gives an invoice holding each value at the field's declared place).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Invoice, InvoiceLine, PartyId, VatRate } from '../../src/core/invoice.ts';
import { INVOICE_FIELDS, LINE_FIELDS, catalogEntries, type CatalogEntry, type FieldType, type InvoiceFieldPath } from '../../src/mapping/field-catalog.ts';
import { compile, mapAll as map, mappingJson, rows } from './mapping-helpers.ts';

// ---- type level ------------------------------------------------------------------------------

type Prim = string | number | boolean;
/** every place in T: its path (`a.b`, `list[0].c`) and the type found there; distributes over unions */
type Places<T, P extends string> = T extends Prim
  ? { path: P; value: T }
  : T extends readonly (infer E)[]
    ? { path: P; value: T } | Places<E, `${P}[0]`>
    : T extends object
      ? { path: P; value: T } | { [K in keyof T & string]-?: Places<NonNullable<T[K]>, P extends '' ? K : `${P}.${K}`> }[keyof T & string]
      : never;

/** what a field of each catalog type holds once converted (a tax id becomes the party id) */
interface Holds { text: string; decimal: string; date: string; boolean: boolean; vatRate: VatRate; currency: string; country: string; taxId: PartyId; account: string; enum: string }

/** catalog leaves: mapping path, target path, value type */
type Leaves<S, P extends string = '', T extends string = ''> = S extends { readonly kind: 'group'; readonly fields: infer F }
  ? {
      [K in keyof F & string]: F[K] extends { readonly build: 'extras' }
        ? never // assembled by build-fa-extras.ts into another shape (third parties, attachment): tested there
        : F[K] extends { readonly kind: 'group' }
        ? Leaves<F[K], `${P}${K}.`, `${T}${K}.`>
        : F[K] extends { readonly kind: 'field'; readonly type: infer Ty extends FieldType }
          ? {
              path: `${P}${K}`;
              to: `${T}${F[K] extends { readonly to: infer To extends string } ? To : K}`;
              value: F[K] extends { readonly values: readonly (infer V)[] } ? V : Holds[Ty];
            }
          : F[K] extends { readonly kind: 'map' }
            ? { path: `${P}${K}`; to: `${T}${K}`; value: NonNullable<Invoice['notes']> }
            : never;
    }[keyof F & string]
  : never;

/** leaves whose target is not a place of Model, or whose value does not fit the place's type */
type Misplaced<L, Model> = L extends { to: infer To; value: infer V }
  ? Extract<Places<Model, ''>, { path: To }> extends never
    ? L
    : [V] extends [Extract<Places<Model, ''>, { path: To }>['value']]
      ? never
      : L
  : never;

/** scalar places of Model no catalog target covers (a target covers itself and what is under it) */
type Uncovered<Model, Targets extends string> = Places<Model, ''> extends infer Pl
  ? Pl extends { path: infer Path extends string; value: Prim }
    ? Path extends Targets | `${Targets}.${string}` | `${Targets}[${string}`
      ? never
      : Path
    : never
  : never;

/** filled by the grouping and the applier, or built by build-fa-extras.ts from `build: 'extras'` fields, not placed by a mapping field */
type NotMapped = 'lines' | 'provenance' | 'thirdParties' | 'attachment';
type InvoiceModel = Omit<Invoice, NotMapped>;
type LineModel = Omit<InvoiceLine, 'provenance'>;
type InvoiceLeaves = Leaves<typeof INVOICE_FIELDS>;
type LineLeaves = Leaves<typeof LINE_FIELDS>;

type Agrees<X extends never> = X;
// Each line fails to compile, naming the offending field(s), when catalog and model disagree.
type _InvoiceTargetsFit = Agrees<Misplaced<InvoiceLeaves, InvoiceModel>>;
type _LineTargetsFit = Agrees<Misplaced<LineLeaves, LineModel>>;
type _InvoiceCovered = Agrees<Uncovered<InvoiceModel, InvoiceLeaves['to']>>;
type _LineCovered = Agrees<Uncovered<LineModel, LineLeaves['to']>>;
export type CatalogAgreement = [_InvoiceTargetsFit, _LineTargetsFit, _InvoiceCovered, _LineCovered];

test('a misspelt catalog path does not compile', () => {
  const ok: InvoiceFieldPath = 'annotations.exemptionText';
  // @ts-expect-error the catalog has no annotations.exemption (the mapping writes exemptionText/exemptionBasis)
  const wrong: InvoiceFieldPath = 'annotations.exemption';
  assert.notEqual(ok, wrong);
});

// ---- run time --------------------------------------------------------------------------------

/** a canonical value each catalog type accepts as a constant */
function sample(e: CatalogEntry): string {
  const special: Record<string, string> = {
    kind: 'KOR', pricing: 'gross', 'buyer.idType': 'eu-vat', 'seller.idType': 'eu-vat', 'annotations.exemptionBasis': 'directive',
    'payment.method': '6', 'correction.effect': '2',
  };
  if (special[e.path]) return special[e.path]!;
  const s = e.spec;
  if (s.kind === 'map') return 'x';
  switch (s.type) {
    case 'text': return `T ${e.path}`;
    case 'decimal': return '12.5';
    case 'date': return '2026-01-15';
    case 'boolean': return 'true';
    case 'vatRate': return '8';
    case 'currency': return 'EUR';
    case 'country': return 'DE';
    case 'taxId': return 'DE123456789';
    case 'account': return '61109010140000071219812874';
    case 'enum': return s.values![0]!;
  }
}
const expected = (e: CatalogEntry, text: string): unknown => (e.spec.kind === 'field' && e.spec.type === 'boolean' ? true : text);

function at(o: unknown, path: string): unknown {
  let cur = o;
  for (const step of path.split(/\.|(?=\[)/)) {
    if (cur === undefined || cur === null) return undefined;
    const idx = /^\[(\d+)\]$/.exec(step);
    cur = idx ? (cur as unknown[])[Number(idx[1])] : (cur as Record<string, unknown>)[step];
  }
  return cur;
}

/** nested object of rules from dotted paths */
function rulesFor(entries: readonly CatalogEntry[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of entries) {
    if (e.spec.kind === 'map') continue;
    const steps = e.path.split('.');
    let node = out;
    for (const s of steps.slice(0, -1)) node = (node[s] ??= {}) as Record<string, unknown>;
    node[steps[steps.length - 1]!] = { value: sample(e) };
  }
  return out;
}

/** fields build-fa-extras.ts turns into another shape (third parties, attachment): proved by test/invoice/fa-coverage.test.ts */
const placed = (entries: readonly CatalogEntry[]): CatalogEntry[] => entries.filter((e) => e.builtBy?.build !== 'extras');

test('every catalog field lands at its declared place in the invoice (a mapping filling all of them)', async () => {
  const inv = placed(catalogEntries(INVOICE_FIELDS));
  const line = placed(catalogEntries(LINE_FIELDS));
  const m = compile(mappingJson({ invoices: { per: 'file' }, invoice: { ...rulesFor(inv), notes: { Uwagi: { value: 'x' } } }, line: rulesFor(line) }));
  const [r] = await map(m, rows({ a: '1' }));
  assert.ok(r?.ok, JSON.stringify(r));
  const invoice = r.invoice;
  for (const e of inv) {
    if (e.spec.kind === 'map') continue;
    const got = at(invoice, e.to);
    if (e.builtBy) assert.notEqual(got, undefined, `${e.path} → ${e.to}`); // the party builder shapes it
    else assert.deepEqual(got, expected(e, sample(e)), `${e.path} → ${e.to}`);
  }
  assert.deepEqual(invoice.notes, [{ key: 'Uwagi', value: 'x' }]);
  for (const e of line) assert.deepEqual(at(invoice.lines[0], e.to), expected(e, sample(e)), `line.${e.path} → ${e.to}`);
  assert.deepEqual(invoice.buyer.id, { type: 'eu-vat', country: 'DE', number: '123456789' });
});

test('every scalar the assembled invoice holds comes from a catalog field (nothing assembled by hand)', async () => {
  const inv = placed(catalogEntries(INVOICE_FIELDS));
  const line = placed(catalogEntries(LINE_FIELDS));
  const m = compile(mappingJson({ invoices: { per: 'file' }, invoice: rulesFor(inv), line: rulesFor(line) }));
  const [r] = await map(m, rows({ a: '1' }));
  assert.ok(r?.ok);
  const targets = [...inv.map((e) => e.to), 'lines', 'provenance'];
  const stray: string[] = [];
  const walk = (o: unknown, p: string): void => {
    if (o === null || typeof o !== 'object') {
      if (!targets.some((t) => p === t || p.startsWith(t + '.') || p.startsWith(t + '['))) stray.push(p);
      return;
    }
    for (const [k, v] of Object.entries(o)) walk(v, Array.isArray(o) ? `${p}[${k}]` : p ? `${p}.${k}` : k);
  };
  walk(r.invoice, '');
  assert.deepEqual(stray, []);
  const lineTargets = line.map((e) => e.to);
  for (const k of Object.keys(r.invoice.lines[0]!)) if (k !== 'provenance') assert.ok(lineTargets.includes(k), `lines[].${k}`);
});

test('exemption and the corrected invoice are assembled from the fields a mapping writes', async () => {
  const m = compile(mappingJson({
    invoices: { per: 'file' },
    invoice: {
      ...mappingJson()['invoice'] as object,
      annotations: { exemptionText: { value: 'art. 43 ust. 1 pkt 37' } },
      correction: { originalNumber: { value: 'FV/1' }, originalIssueDate: { value: '2026-01-02' } },
    },
  }));
  const [r] = await map(m, rows({ Nr: 'K/1', Data: '03.01.2026', NIP: '5260250274', Nabywca: 'A', Towar: 'x', Ilosc: '1', Cena: '1', VAT: 'zw' }));
  assert.ok(r?.ok);
  assert.equal(r.invoice.kind, 'KOR');
  assert.deepEqual(r.invoice.annotations, { exemption: { basis: 'law', text: 'art. 43 ust. 1 pkt 37' } });
  assert.deepEqual(r.invoice.correction, { corrected: [{ number: 'FV/1', issueDate: '2026-01-02' }] });
});
