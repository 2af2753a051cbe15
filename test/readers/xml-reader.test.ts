import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import type { DecodeOptions, InputOptions } from '../../src/core/input-options.ts';
import { collect, failure, fixtureFile } from './reader-test-kit.ts';

const xmlInput = (recordPath = '/Export/Invoices/Invoice', decode: DecodeOptions = { encoding: 'auto' }): InputOptions => ({
  format: 'xml',
  decode,
  xml: { recordPath, arrays: ['Line'] },
});

const doc = `<?xml version="1.0" encoding="UTF-8"?>
<!-- export <Invoice> from Sigma -->
<Export xmlns="urn:sigma" xmlns:k="urn:party">
  <Invoices>
    <Invoice number="FS/1" pricing="gross">
      <k:Buyer><k:TaxId country="PL">0061018270</k:TaxId><k:Name>Kawiarnia &amp; Spółka</k:Name></k:Buyer>
      <Lines>
        <Line no="1" qty="1.000"><Name>Młynek</Name><GrossValue>006.50</GrossValue></Line>
      </Lines>
    </Invoice>
    <Invoice
      number="FS/2" note="a > b">
      <Lines>
        <Line no="1"><Name><![CDATA[<Kawa>]]></Name></Line>
        <Line no="2"><Name>Herbata</Name></Line>
      </Lines>
      <Empty/>
    </Invoice>
  </Invoices>
</Export>
`;

test('xml: records with attributes, namespaces removed, nested arrays, strings kept, path and line', async (t) => {
  const path = await fixtureFile(t, 'e.xml', doc);
  const records = await collect(path, xmlInput(), 'export.xml');
  assert.deepEqual(records, [
    {
      values: {
        '@number': 'FS/1',
        '@pricing': 'gross',
        Buyer: { TaxId: { '#text': '0061018270', '@country': 'PL' }, Name: 'Kawiarnia & Spółka' },
        Lines: { Line: [{ '@no': '1', '@qty': '1.000', Name: 'Młynek', GrossValue: '006.50' }] },
      },
      where: { file: 'export.xml', path: '/Export/Invoices/Invoice[1]', line: 5 },
    },
    {
      values: {
        '@number': 'FS/2',
        '@note': 'a > b',
        Lines: { Line: [{ '@no': '1', Name: '<Kawa>' }, { '@no': '2', Name: 'Herbata' }] },
        Empty: '',
      },
      where: { file: 'export.xml', path: '/Export/Invoices/Invoice[2]', line: 11 },
    },
  ]);
});

test('xml: the declaration encoding wins over auto (windows-1250)', async (t) => {
  const text = '<?xml version="1.0" encoding="windows-1250"?>\n<R><Invoice><Name>Żółć</Name></Invoice></R>\n';
  const path = await fixtureFile(t, 'w.xml', iconv.encode(text, 'windows-1250'));
  const records = await collect(path, xmlInput('/R/Invoice'), 'w.xml');
  assert.deepEqual(records, [{ values: { Name: 'Żółć' }, where: { file: 'w.xml', path: '/R/Invoice[1]', line: 2 } }]);
});

test('xml: malformed XML names line and column', async (t) => {
  const path = await fixtureFile(t, 'm.xml', '<Export>\n  <Invoices>\n    <Invoice></Invoices>\n</Export>\n');
  const e = await failure(path, xmlInput(), 'm.xml');
  assert.equal(e.code, 'READ_XML_MALFORMED');
  assert.deepEqual(e.where, { file: 'm.xml', line: 3, column: 14 });
  assert.match(e.message, /^the XML is not well-formed: Expected closing tag 'Invoice' \(opened in line 3, col 5\)/);
});

test('xml: a record path that matches nothing names the path and the root', async (t) => {
  const path = await fixtureFile(t, 'n.xml', doc);
  const e = await failure(path, xmlInput('/Export/Faktury/Faktura'), 'n.xml');
  assert.equal(e.code, 'READ_XML_NO_RECORDS');
  assert.deepEqual(e.where, { file: 'n.xml', path: '/Export/Faktury/Faktura' });
  assert.equal(e.message, 'no element at /Export/Faktury/Faktura (the root element is <Export>)');
});
