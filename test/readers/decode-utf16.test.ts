// UTF-16 with a byte-order mark (little- and big-endian), CSV and XML: read whatever the mapping's
// encoding says; broken UTF-16 is READ_ENCODING, a mark with only blanks is READ_EMPTY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DecodeOptions } from '../../src/core/input-options.ts';
import { collect, csvInput, failure, fixtureFile } from './reader-test-kit.ts';

const utf16 = (text: string, be: boolean): Buffer => {
  const le = Buffer.from('\ufeff' + text, 'utf16le');
  return be ? Buffer.from(le).swap16() : le;
};

const CSV = 'Numer;Nazwa;Kwota\nFV/1;Łąka Żółta;12,50\nFV/2;Gęś;1 234,00\n';
const XML = '<?xml version="1.0" encoding="UTF-16"?>\n<Faktury><Faktura><Numer>FV/1</Numer><Nabywca>Zażółć gęślą</Nabywca></Faktura></Faktury>\n';

for (const be of [false, true]) {
  for (const decode of [{ encoding: 'auto' }, { encoding: 'windows-1250' }, { encoding: 'utf-8' }] as DecodeOptions[]) {
    test(`UTF-16${be ? 'BE' : 'LE'} CSV with a byte-order mark is read (mapping says ${decode.encoding})`, async (t) => {
      const path = await fixtureFile(t, 'f.csv', utf16(CSV, be));
      const recs = await collect(path, csvInput({}, decode), 'f.csv');
      assert.deepEqual(recs.map((r) => r.values), [
        { Numer: 'FV/1', Nazwa: 'Łąka Żółta', Kwota: '12,50' },
        { Numer: 'FV/2', Nazwa: 'Gęś', Kwota: '1 234,00' },
      ]);
    });
  }
  test(`UTF-16${be ? 'BE' : 'LE'} XML with a byte-order mark is read, its declaration notwithstanding`, async (t) => {
    const path = await fixtureFile(t, 'f.xml', utf16(XML, be));
    const recs = await collect(path, { format: 'xml', decode: { encoding: 'auto' }, xml: { recordPath: '/Faktury/Faktura' } }, 'f.xml');
    assert.equal(recs.length, 1);
    assert.equal(recs[0]!.values['Nabywca'], 'Zażółć gęślą');
    assert.equal(recs[0]!.values['Numer'], 'FV/1');
  });
}

test('UTF-16: an odd number of bytes or an unpaired surrogate is READ_ENCODING; a mark and blanks only is READ_EMPTY', async (t) => {
  const odd = await fixtureFile(t, 'odd.csv', Buffer.concat([utf16(CSV, false), Buffer.from([0x41])]));
  const e1 = await failure(odd, csvInput({}, { encoding: 'auto' }), 'odd.csv');
  assert.equal(e1.code, 'READ_ENCODING');
  assert.match(e1.message, /not valid UTF-16LE \(it ends in the middle of a character: an odd number of bytes\)/);
  const lone = await fixtureFile(t, 'lone.csv', Buffer.concat([utf16('A;B\n', false), Buffer.from([0x00, 0xd8, 0x41, 0x00])]));
  const e2 = await failure(lone, csvInput({}, { encoding: 'auto' }), 'lone.csv');
  assert.equal(e2.code, 'READ_ENCODING');
  const blank = await fixtureFile(t, 'blank.csv', utf16('  \r\n', true));
  assert.equal((await failure(blank, csvInput({}, { encoding: 'auto' }), 'blank.csv')).code, 'READ_EMPTY');
});
