// Every example in inbox-example/ through the `preview` command (its mapping in mappings/), in FA(3)
// and FA(2): every invoice valid against the official XSD, and its key values asserted from the XML
// against test/fixtures/examples/<name>.expected.json. What each mapping gives in full (canonical
// invoices and FA(3) XML, byte for byte) is test/mapping/examples-as-data.test.ts; this file keeps
// what that one does not prove: FA(2), the command's files, output and exit code, a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Big from 'big.js';
import { XMLParser } from 'fast-xml-parser';
import type { FaSchema } from '../../src/core/invoice.ts';
import { runPreview, xmlFileName } from '../../src/cli/preview.ts';
import { PLACEHOLDER_COMPANY } from '../../src/pipeline/preview-file.ts';
import { loadFaValidator } from '../../src/xsd/xsd-validator.ts';

const TODAY = '2026-11-21';
const NOW = new Date('2026-11-21T09:00:00Z');
const EXAMPLES = ['optima-csv', 'dos-fixed', 'excel-sales', 'erp-xml', 'shop-json'] as const;
const SCHEMAS: readonly FaSchema[] = ['FA(3)', 'FA(2)'];

interface Expected {
  readonly example: string;
  readonly input: string;
  readonly mapping: string;
  readonly invoices: readonly ExpectedInvoice[];
}
interface ExpectedInvoice {
  readonly number: string;
  readonly kind: string;
  readonly issueDate: string;
  readonly saleDate?: string;
  readonly buyer: { readonly id: Record<string, string>; readonly name: string };
  readonly currency: string;
  readonly exchangeRate?: string;
  readonly pricing: 'net' | 'gross';
  readonly lineCount: number;
  readonly statedTotals?: Record<string, string>;
  readonly fa: Readonly<Record<string, string>>;
  readonly correction?: { readonly reason: string; readonly corrected: readonly { number: string; issueDate: string; ksefNumber?: string }[] };
}

const expectedOf = (name: string): Expected => JSON.parse(readFileSync(`test/fixtures/examples/${name}.expected.json`, 'utf8')) as Expected;

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  removeNSPrefix: true,
  isArray: (name) => name === 'FaWiersz' || name === 'DaneFaKorygowanej',
});

type Node = Record<string, unknown>;
const text = (v: unknown): string | undefined => (v === undefined ? undefined : typeof v === 'object' ? String((v as Node)['#text']) : String(v));
const sameAmount = (actual: string | undefined, expected: string, what: string) => {
  assert.ok(actual !== undefined, `${what} missing (expected ${expected})`);
  assert.ok(new Big(actual).eq(expected), `${what}: ${actual} ≠ ${expected}`);
};

const isValidNip = (nip: string): boolean => {
  const w = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  if (!/^\d{10}$/.test(nip)) return false;
  return [...nip.slice(0, 9)].reduce((a, d, i) => a + Number(d) * w[i]!, 0) % 11 === Number(nip[9]);
};

/** Asserts the FA XML of one invoice against the expected values. */
function assertFa(xml: string, exp: ExpectedInvoice, schema: FaSchema): void {
  const doc = parser.parse(xml) as { Faktura: Node };
  const f = doc.Faktura;
  const fa = f['Fa'] as Node;
  const where = `${exp.number} ${schema}`;
  assert.equal(text(fa['P_2']), exp.number, `${where} P_2`);
  assert.equal(text(fa['P_1']), exp.issueDate, `${where} P_1`);
  assert.equal(text(fa['KodWaluty']), exp.currency, `${where} KodWaluty`);
  assert.equal(text(fa['RodzajFaktury']), exp.kind, `${where} RodzajFaktury`);
  if (exp.saleDate !== undefined && exp.saleDate !== exp.issueDate) assert.equal(text(fa['P_6']), exp.saleDate, `${where} P_6`);
  assert.equal(text((f['Podmiot1'] as Node)['DaneIdentyfikacyjne'] && ((f['Podmiot1'] as Node)['DaneIdentyfikacyjne'] as Node)['NIP']), PLACEHOLDER_COMPANY.nip, `${where} seller NIP`);

  const buyer = (f['Podmiot2'] as Node)['DaneIdentyfikacyjne'] as Node;
  const id = exp.buyer.id;
  if (id['type'] === 'nip') assert.equal(text(buyer['NIP']), id['nip'], `${where} buyer NIP`);
  else if (id['type'] === 'eu-vat') {
    assert.equal(text(buyer['KodUE']), id['country'], `${where} buyer KodUE`);
    assert.equal(text(buyer['NrVatUE']), id['number'], `${where} buyer NrVatUE`);
  } else assert.equal(text(buyer['BrakID']), '1', `${where} buyer BrakID`);
  assert.equal(text(buyer['Nazwa']), exp.buyer.name, `${where} buyer name`);

  const lines = fa['FaWiersz'] as Node[];
  assert.equal(lines.length, exp.lineCount, `${where} line count`);

  // every per-rate sum expected is there with its value, and no other one is
  const sums = Object.keys(fa).filter((k) => /^P_1[34]_\d+(_\d)?$/.test(k)).sort();
  assert.deepEqual(sums, Object.keys(exp.fa).filter((k) => k !== 'P_15').sort(), `${where} per-rate fields present`);
  for (const [k, v] of Object.entries(exp.fa)) sameAmount(text(fa[k]), v, `${where} ${k}`);

  if (exp.correction) {
    assert.equal(text(fa['PrzyczynaKorekty']), exp.correction.reason, `${where} PrzyczynaKorekty`);
    const corrected = fa['DaneFaKorygowanej'] as Node[];
    assert.equal(corrected.length, exp.correction.corrected.length);
    exp.correction.corrected.forEach((c, i) => {
      const got = corrected[i]!;
      assert.equal(text(got['NrFaKorygowanej']), c.number, `${where} NrFaKorygowanej`);
      assert.equal(text(got['DataWystFaKorygowanej']), c.issueDate, `${where} DataWystFaKorygowanej`);
      if (c.ksefNumber) {
        assert.equal(text(got['NrKSeF']), '1', `${where} NrKSeF flag`);
        assert.equal(text(got['NrKSeFFaKorygowanej']), c.ksefNumber, `${where} NrKSeFFaKorygowanej`);
      } else assert.equal(text(got['NrKSeFN']), '1', `${where} NrKSeFN flag`);
    });
  }
}

const captured = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), now: () => NOW } };
};

test('example data: every Polish NIP (sellers and buyers) has a valid checksum', () => {
  assert.ok(isValidNip(PLACEHOLDER_COMPANY.nip));
  for (const name of EXAMPLES) {
    for (const inv of expectedOf(name).invoices) {
      if (inv.buyer.id['type'] === 'nip') assert.ok(isValidNip(inv.buyer.id['nip']!), `${name} ${inv.number} buyer NIP ${inv.buyer.id['nip']}`);
    }
  }
});

for (const name of EXAMPLES) {
  const exp = expectedOf(name);

  for (const schema of SCHEMAS) {
    test(`${name} ${schema}: preview --out writes one valid FA XML per invoice with the expected values`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'preview-ex-'));
      try {
        const c = captured();
        const code = await runPreview(exp.input, { mapping: exp.mapping, schema, out: dir, today: TODAY }, c.io);
        assert.equal(code, 0, c.err.join(''));
        assert.equal(c.err.filter((l) => l.startsWith('error:')).length, 0);
        assert.match(c.err.join(''), new RegExp(`${exp.invoices.length} invoice\\(s\\), ${exp.invoices.length} valid, 0 with errors \\(${schema.replace(/[()]/g, '\\$&')}\\)`));
        const files = (await readdir(dir)).sort();
        assert.deepEqual(files, exp.invoices.map((i) => xmlFileName(i.number)).sort());
        const validator = await loadFaValidator(schema);
        for (const inv of exp.invoices) {
          const xml = await readFile(join(dir, xmlFileName(inv.number)));
          assert.deepEqual(validator.validate(xml), [], `${inv.number} valid against the official ${schema} XSD`);
          assertFa(xml.toString('utf8'), inv, schema);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
}

test('preview without --out prints every invoice as an FA XML document on stdout', async () => {
  const exp = expectedOf('erp-xml');
  const c = captured();
  const code = await runPreview(exp.input, { mapping: exp.mapping, schema: 'FA(2)', today: TODAY }, c.io);
  assert.equal(code, 0, c.err.join(''));
  const docs = c.out.join('').split(/(?=<\?xml )/).filter((s) => s.trim());
  assert.equal(docs.length, exp.invoices.length);
  docs.forEach((d, i) => assertFa(d, exp.invoices[i]!, 'FA(2)'));
  assert.match(c.err.join(''), /note: seller is the placeholder demo company \(NIP 9999999999\)/);
});

test('real child process: node bin/ksef-hotfolder.js preview prints the XML and exits 0', () => {
  const exp = expectedOf('optima-csv');
  const r = spawnSync(process.execPath, ['bin/ksef-hotfolder.js', 'preview', exp.input, '--mapping', exp.mapping, '--schema', 'FA(3)', '--today', TODAY], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const docs = r.stdout.split(/(?=<\?xml )/).filter((s) => s.trim());
  assert.equal(docs.length, exp.invoices.length);
  docs.forEach((d, i) => assertFa(d, exp.invoices[i]!, 'FA(3)'));
  assert.match(r.stderr, /4 invoice\(s\), 4 valid, 0 with errors \(FA\(3\)\); nothing was sent/);
});
