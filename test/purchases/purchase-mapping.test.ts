import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { AgentError } from '../../src/core/errors.ts';
import { Ajv } from 'ajv';
import { DEFAULT_PURCHASE_MAPPING_FILE, PURCHASE_MAPPING_SCHEMA, applyPurchaseMapping, compilePurchaseMapping, renderPurchaseCsv } from '../../src/purchases-mapping/index.ts';

const fx = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const DEFAULT_MAPPING = DEFAULT_PURCHASE_MAPPING_FILE;

describe('purchase (reverse) mapping', () => {
  // what mappings/purchases-default.json gives in full: test/mapping/examples-as-data.test.ts
  it('renders CSV with BOM, CRLF, header and quoting of delimiters and quotes', async () => {
    const mapping = compilePurchaseMapping({ csv: { delimiter: ';' }, fields: { a: { value: 'x;y' }, b: { value: 'say "hi"' }, c: { value: 'plain' } } }, 'm.json');
    const row = await applyPurchaseMapping(mapping, await readFile(fx('fa3-purchase.xml')), { ksefNumber: 'K' });
    assert.equal(renderPurchaseCsv(mapping, [row]), '\uFEFFa;b;c\r\n"x;y";"say ""hi""";plain\r\n');
  });

  const rules: Array<[string, Record<string, unknown>, string]> = [
    ['attribute path', { path: 'Naglowek/KodFormularza/@kodSystemowy' }, 'FA (3)'],
    ['repeated element: first value', { path: 'Fa/FaWiersz/P_11' }, '100.00'],
    ['repeated element joined, decimal comma', { path: 'Fa/FaWiersz/P_11', join: '+', decimal: 'comma' }, '100,00+50,00'],
    ['missing element with default', { path: 'Fa/P_13_3', default: '0' }, '0'],
    ['missing element without default', { path: 'Fa/P_6' }, ''],
    ['metadata dotted path', { meta: 'buyer.identifier.value' }, '7740001454'],
    ['constant', { value: 'KSeF' }, 'KSeF'],
    ['JSONata over fa and meta', { expr: "$join(fa.Fa.FaWiersz.P_7, ', ') & ' / ' & meta.currency" }, 'Papier A4, Woda mineralna / PLN'],
  ];
  for (const [name, rule, want] of rules) {
    it(`rule: ${name}`, async () => {
      const mapping = compilePurchaseMapping({ fields: { f: rule } }, 'm.json');
      const meta = JSON.parse(await readFile(fx('fa3-purchase.meta.json'), 'utf8')) as Record<string, unknown>;
      const row = await applyPurchaseMapping(mapping, await readFile(fx('fa3-purchase.xml')), meta);
      assert.equal(row['f'], want);
    });
  }

  const bad: Array<[string, unknown, string]> = [
    ['no fields', { fields: {} }, 'm.json#/fields: needs at least 1 property'],
    ['two sources', { fields: { f: { path: 'Fa/P_2', value: 'x' } } }, 'm.json#/fields/f: give exactly one of path, meta, value, expr (found path, value)'],
    ['unknown key', { fields: { f: { path: 'Fa/P_2', colum: 'x' } } }, 'm.json#/fields/f/colum: unknown property "colum"; expected one of: path, meta, value, expr'],
    ['bad path', { fields: { f: { path: 'Fa//P_2' } } }, 'm.json#/fields/f/path: "Fa//P_2" does not have the expected form: Slash path of an FA element'],
    ['JSONata syntax', { fields: { f: { expr: 'fa.Fa.(' } } }, 'm.json#/fields/f/expr: JSONata syntax error'],
    ['bad delimiter', { csv: { delimiter: ':' }, fields: { f: { value: 'x' } } }, 'm.json#/csv/delimiter: must be one of: ";", ",", "\\t", "|"'],
    ['bad field name', { fields: { 'a b': { value: 'x' } } }, 'm.json#/fields/a b: "a b" is not an allowed name here: A field name is letters'],
  ];
  const validate = new Ajv({ strict: false }).compile(PURCHASE_MAPPING_SCHEMA);
  it('the JSON Schema (editor completion) accepts the shipped mapping', async () => {
    assert.equal(validate(JSON.parse(await readFile(DEFAULT_MAPPING, 'utf8'))), true, JSON.stringify(validate.errors));
  });
  for (const [name, json, message] of bad) {
    it(`refused at load and by the JSON Schema: ${name}`, () => {
      if (name !== 'JSONata syntax') assert.equal(validate(json), false, 'the schema agrees');
      assert.throws(() => compilePurchaseMapping(json, 'm.json'), (e: unknown) => {
        assert.ok(e instanceof AgentError);
        assert.equal(e.code, 'PURCHASE_MAPPING_INVALID');
        assert.ok(e.message.startsWith(message), e.message);
        return true;
      });
    });
  }

  it('an XML that is not FA is a PURCHASE_XML_INVALID error naming the invoice', async () => {
    const mapping = compilePurchaseMapping({ fields: { f: { value: 'x' } } }, 'm.json');
    await assert.rejects(applyPurchaseMapping(mapping, '<Other/>', { ksefNumber: 'K-1' }), (e: unknown) => {
      assert.ok(e instanceof AgentError);
      assert.equal(e.code, 'PURCHASE_XML_INVALID');
      assert.equal(e.where.invoice, 'K-1');
      return true;
    });
  });
});
