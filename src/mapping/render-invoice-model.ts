/**
 * The field tables of docs/invoice-model.md, rendered from the field catalog: what a mapping
 * writes, where it lands in the canonical invoice, the FA element it becomes, its type and notes.
 * scripts/write-schemas.ts writes them between markers (`npm run schema`); a test fails when the
 * committed page differs, so the docs name exactly the fields a mapping accepts.
 */
import { INVOICE_FIELDS, LINE_FIELDS, type FieldSpec, type GroupSpec, type MapSpec, type Spec } from './field-catalog.ts';

export const tableBegin = (name: string): string => `<!-- catalog-table:${name}:begin (generated from src/mapping/field-catalog.ts by npm run schema) -->`;
export const tableEnd = (name: string): string => `<!-- catalog-table:${name}:end -->`;

const code = (s: string): string => `\`${s}\``;
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** the schema help text, then the notes for the docs only */
const notes = (s: { readonly description: string; readonly doc?: string }): string => (s.doc ? `${s.description} ${s.doc[0]!.toUpperCase()}${s.doc.slice(1)}.` : s.description);

function typeOf(s: FieldSpec): string {
  if (s.values) return s.values.map(code).join(', ');
  return { text: 'text', decimal: 'decimal', date: 'date', boolean: 'yes/no', vatRate: 'VAT rate', currency: 'currency code', country: 'country code', taxId: 'tax id', account: 'bank account', enum: 'one of' }[s.type];
}

interface Row {
  readonly path: string;
  readonly to: string;
  readonly spec: Spec;
}

const HEAD = '| Mapping field | In the invoice | FA element | Type | Required | Notes |\n|---|---|---|---|---|---|';

function row(r: Row, tables: ReadonlyMap<GroupSpec, string>): string {
  const s = r.spec;
  const lands = r.to === r.path ? '' : code(r.to);
  if (s.kind === 'group') {
    const own = tables.get(s);
    const note = s.sameAs ? `the same fields as ${code(`${s.sameAs}.*`)}; ${s.description}` : own ? `see ${own}` : s.description;
    return `| ${code(`${r.path}.*`)} | ${lands} | ${cell(s.fa ?? '')} | ${s.build ?? ''} | | ${cell(note)} |`;
  }
  if (s.kind === 'map') {
    const m: MapSpec = s;
    return `| ${code(`${r.path}.<name>`)} | ${code(`${r.to}[]`)} (\`key\`, \`value\`) | ${cell(m.fa ?? '')} | text | | ${cell(notes(m))} |`;
  }
  return `| ${code(r.path)} | ${lands} | ${cell(s.fa ?? '')} | ${cell(typeOf(s))} | ${s.required ? 'yes' : ''} | ${cell(notes(s))} |`;
}

/** rows of a group: its fields, and the fields of untitled subgroups inline */
function rows(spec: GroupSpec, path: string, to: string, tables: ReadonlyMap<GroupSpec, string>): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(spec.fields)) {
    const p = path + name;
    const t = to + (s.kind === 'field' && s.to !== undefined ? s.to : name);
    if (s.kind === 'group' && !tables.has(s) && !s.sameAs) out.push(...rows(s, p + '.', t + '.', tables));
    else out.push(row({ path: p, to: t, spec: s }, tables));
  }
  return out;
}

/** Table name → markdown: `invoice`, `lines`, and one per catalog group with a heading (`table`). */
export function renderInvoiceModelTables(): Map<string, string> {
  const root: GroupSpec = INVOICE_FIELDS; // walked generically: groups added to the catalog flow through
  const titled: [string, GroupSpec][] = Object.entries(root.fields).filter((e): e is [string, GroupSpec] => e[1].kind === 'group' && e[1].table !== undefined);
  const tables = new Map<GroupSpec, string>(titled.map(([, g]) => [g, g.table!]));
  const out = new Map<string, string>();
  out.set('invoice', [HEAD, ...rows(root, '', '', tables), '| (the lines) | `lines[]` | `FaWiersz` (for ZAL: `Zamowienie/ZamowienieWiersz`) | | at least one | see Lines |'].join('\n'));
  for (const [name, g] of titled) out.set(name, [HEAD, ...rows(g, name + '.', name + '.', tables)].join('\n'));
  out.set('lines', [HEAD.replace('Mapping field', 'Mapping field (`line`)').replace('In the invoice', 'In each line'), ...rows(LINE_FIELDS, '', '', tables)].join('\n'));
  return out;
}

/** The page with every marked table replaced; throws when a table's markers are missing. */
export function updateInvoiceModelDoc(doc: string): string {
  let out = doc;
  for (const [name, table] of renderInvoiceModelTables()) {
    const a = out.indexOf(tableBegin(name));
    const b = out.indexOf(tableEnd(name));
    if (a < 0 || b < a) throw new Error(`docs/invoice-model.md lacks the markers of table ${name}: ${tableBegin(name)} … ${tableEnd(name)}`);
    out = out.slice(0, a + tableBegin(name).length) + '\n' + table + '\n' + out.slice(b);
  }
  return out;
}
