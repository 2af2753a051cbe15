/**
 * Mappings tested as data (issue 11, item 2). Every mapping in mappings/ has a folder
 * mappings/examples/<mapping name>/ holding
 *   example.json   which input files the example reads: {"inputs": ["inbox-example/optima/x.csv"]}
 *                  (for a mapping reading two files delivered together, input.companion, both files
 *                  of the pair are listed and read together, as the inbox takes them)
 *                  (paths relative to the repository root; for a purchase mapping each input is
 *                  {"xml": "...", "meta": "..."}: a downloaded FA XML and its KSeF metadata)
 *   invoices.json  the full canonical invoices the mapping produces (provenance included)
 *   fa3/<n>.xml    the full FA(3) XML of each invoice (file name from its number, as preview --out)
 * or, for a purchase mapping (FA XML → flat rows for ERP import),
 *   rows.json      the flat rows, one per input
 *   purchases.csv  the CSV the purchase job writes from them
 * `renderExample` computes these files; `npm run examples:update` writes them, and
 * test/mapping/examples-as-data.test.ts compares them byte for byte (the FA generation timestamp
 * normalised). Fixed day, clock and seller (the company of the demo, src/cli/demo.ts), so the output
 * depends on the mapping and its input only.
 */
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError } from '../src/core/errors.ts';
import type { CompanyProfile } from '../src/core/invoice.ts';
import { DEMO_COMPANY } from '../src/cli/demo.ts';
import { previewFile } from '../src/pipeline/preview-file.ts';
import { xmlFileName } from '../src/cli/preview.ts';
import { applyPurchaseMapping, loadPurchaseMapping, renderPurchaseCsv } from '../src/purchases-mapping/index.ts';
import { companionNameFor, isCompanionName, readCompanionRule } from '../src/inbox/companion-rule.ts';
import type { PairFile } from '../src/pipeline/read-pair.ts';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MAPPINGS_DIR = 'mappings';
export const EXAMPLES_DIR = 'mappings/examples';
/** The day business rules compare dates with, and the FA generation time, of every example. */
export const EXAMPLE_TODAY = '2026-11-21';
export const EXAMPLE_NOW = new Date('2026-11-21T09:00:00Z');

/** `optima-csv` → `mappings/examples/optima-csv` */
export const exampleDir = (name: string): string => join(EXAMPLES_DIR, name);

/** Names (file names without .json) of every mapping in mappings/, sorted. */
export async function mappingNames(): Promise<string[]> {
  const names = await readdir(join(REPO, MAPPINGS_DIR), { withFileTypes: true });
  return names.filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name.slice(0, -'.json'.length)).sort();
}

/** A purchase (reverse) mapping has `fields` and no `input`: it reads FA XML, not an ERP export. */
export async function isPurchaseMapping(name: string): Promise<boolean> {
  const json = JSON.parse(await readFile(join(REPO, MAPPINGS_DIR, `${name}.json`), 'utf8')) as Record<string, unknown>;
  return json['fields'] !== undefined && json['input'] === undefined;
}

export interface SalesExample {
  readonly inputs: readonly string[];
}
export interface PurchaseExample {
  readonly inputs: readonly { readonly xml: string; readonly meta: string }[];
}

/** The example.json of a mapping, or undefined when it has no example folder. */
export async function readExampleSpec(name: string): Promise<SalesExample | PurchaseExample | undefined> {
  let text: string;
  try {
    text = await readFile(join(REPO, exampleDir(name), 'example.json'), 'utf8');
  } catch {
    return undefined;
  }
  const spec = JSON.parse(text) as { inputs?: unknown };
  if (!Array.isArray(spec.inputs) || spec.inputs.length === 0) throw new Error(`${exampleDir(name)}/example.json: "inputs" must list at least one input file`);
  return spec as SalesExample | PurchaseExample;
}

/** The seller of every example: the company of the demo (`npm start`), whom the example exports were written for. */
export function exampleCompany(): CompanyProfile {
  return { nip: DEMO_COMPANY.nip, name: DEMO_COMPANY.name, address: { ...DEMO_COMPANY.address } };
}

/** JSON with object keys sorted at every level, two-space indented, ending in a newline: stable under code changes that only reorder keys. */
export function stableJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sorted(value), null, 2) + '\n';
}

/** The FA generation timestamp (DataWytworzeniaFa) replaced, the only part of an FA XML that depends on the clock. */
export const normaliseFaXml = (xml: string): string => xml.replace(/<DataWytworzeniaFa>[^<]*<\/DataWytworzeniaFa>/g, '<DataWytworzeniaFa>(normalised)</DataWytworzeniaFa>');

/** A mapping whose example does not give valid invoices: the expected output is never written from it. */
export class ExampleFailed extends Error {}

/**
 * The expected files of one mapping's example (path inside its example folder → bytes), computed
 * from its example.json; throws ExampleFailed when an invoice or row has errors.
 */
export async function renderExample(name: string, spec: SalesExample | PurchaseExample): Promise<Map<string, Buffer>> {
  return (await isPurchaseMapping(name)) ? renderPurchaseExample(name, spec as PurchaseExample) : renderSalesExample(name, spec as SalesExample);
}

/**
 * The inputs previewed one by one, each with the companion it is read with: for a mapping that reads
 * two files delivered together (input.companion), a listed input that is the companion of another
 * listed input is read with that one (as the inbox claims the pair), not previewed on its own.
 */
async function previewedInputs(name: string, inputs: readonly string[]): Promise<{ input: string; companion?: PairFile }[]> {
  const rule = await readCompanionRule(join(REPO, MAPPINGS_DIR, `${name}.json`));
  if (!rule) return inputs.map((input) => ({ input }));
  const listed = new Map(inputs.map((i) => [basename(i).toLowerCase(), i]));
  const taken = new Set<string>();
  const out: { input: string; companion?: PairFile }[] = [];
  for (const input of inputs) {
    if (isCompanionName(rule, basename(input))) continue;
    const companionName = companionNameFor(rule, basename(input));
    const companion = companionName !== undefined ? listed.get(companionName.toLowerCase()) : undefined;
    if (companion !== undefined) taken.add(companion);
    out.push(companion !== undefined ? { input, companion: { path: join(REPO, companion), name: basename(companion) } } : { input });
  }
  // a companion no listed primary names is previewed alone, and its error says so
  for (const input of inputs) if (isCompanionName(rule, basename(input)) && !taken.has(input)) out.push({ input });
  return out;
}

async function renderSalesExample(name: string, spec: SalesExample): Promise<Map<string, Buffer>> {
  const company = exampleCompany();
  const out = new Map<string, Buffer>();
  const invoices: unknown[] = [];
  const problems: string[] = [];
  for (const { input, companion } of await previewedInputs(name, spec.inputs)) {
    const r = await previewFile(join(REPO, input), { mapping: join(REPO, MAPPINGS_DIR, `${name}.json`), mappingName: `${MAPPINGS_DIR}/${name}.json`, schema: 'FA(3)', company, today: EXAMPLE_TODAY, now: EXAMPLE_NOW, displayName: basename(input), ...(companion ? { companion } : {}) });
    problems.push(...r.errors.map(describeError));
    for (const inv of r.invoices) {
      problems.push(...inv.errors.map(describeError));
      if (!inv.invoice || !inv.xml) continue;
      invoices.push(inv.invoice);
      const file = `fa3/${xmlFileName(inv.xml.invoiceNumber)}`;
      if (out.has(file)) problems.push(`${input}: two invoices would be written to ${file}`);
      out.set(file, inv.xml.xml);
    }
  }
  if (problems.length) throw new ExampleFailed(`mapping ${name}: its example does not give valid invoices:\n  ${problems.join('\n  ')}`);
  out.set('invoices.json', Buffer.from(stableJson(invoices)));
  return out;
}

async function renderPurchaseExample(name: string, spec: PurchaseExample): Promise<Map<string, Buffer>> {
  const mapping = await loadPurchaseMapping(join(REPO, MAPPINGS_DIR, `${name}.json`));
  const rows = [];
  for (const input of spec.inputs) {
    const meta = JSON.parse(await readFile(join(REPO, input.meta), 'utf8')) as Record<string, unknown>;
    try {
      rows.push(await applyPurchaseMapping(mapping, await readFile(join(REPO, input.xml)), meta));
    } catch (e) {
      throw new ExampleFailed(`mapping ${name}: ${input.xml}: ${(e as Error).message}`);
    }
  }
  // rows keep the mapping's column order (the CSV's order), so they are not key-sorted
  return new Map([
    ['rows.json', Buffer.from(JSON.stringify(rows, null, 2) + '\n')],
    ['purchases.csv', Buffer.from(renderPurchaseCsv(mapping, rows))],
  ]);
}

/** Files under an example folder except example.json (what renderExample may write), relative, sorted. */
export async function writtenFiles(name: string): Promise<string[]> {
  const dir = join(REPO, exampleDir(name));
  const all = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return all
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1).split('\\').join('/'))
    .filter((p) => p !== 'example.json' && !p.startsWith('input/'))
    .sort();
}
