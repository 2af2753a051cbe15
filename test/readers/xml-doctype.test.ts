// Regression for issue 9 (hostile inputs): an XML export never needs a DTD. A DOCTYPE (entity
// bomb, external entity) and any entity reference XML does not predefine are data errors, so an
// unexpanded "&lol9;" can never reach an invoice as text, and XXE is never an internal error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InputOptions } from '../../src/core/input-options.ts';
import { collect, failure, fixtureFile } from './reader-test-kit.ts';

const xmlInput: InputOptions = { format: 'xml', decode: { encoding: 'auto' }, xml: { recordPath: '/Export/Invoice', arrays: [] } };

const body = (name: string): string => `<Export>\n  <Invoice number="FS/1">\n    <Buyer>${name}</Buyer>\n  </Invoice>\n</Export>\n`;

const laughs = `<?xml version="1.0"?>
<!DOCTYPE Export [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
${body('&lol2;')}`;

test('xml: a document with an internal DTD (billion laughs) is READ_XML_DOCTYPE naming file and line', async (t) => {
  const path = await fixtureFile(t, 'billion-laughs.xml', laughs);
  const e = await failure(path, xmlInput, 'billion-laughs.xml');
  assert.equal(e.code, 'READ_XML_DOCTYPE');
  assert.equal(e.kind, 'data');
  assert.deepEqual(e.where, { file: 'billion-laughs.xml', line: 2, column: 1 });
  assert.match(e.message, /DOCTYPE/);
  assert.match(e.rule ?? '', /DTDs and entity declarations are not accepted/);
  assert.match(e.rule ?? '', /security/);
});

test('xml: an external entity (XXE) is READ_XML_DOCTYPE, a data error, never internal', async (t) => {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE Export [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n${body('&xxe;')}`;
  const path = await fixtureFile(t, 'xxe.xml', text);
  const e = await failure(path, xmlInput, 'xxe.xml');
  assert.equal(e.code, 'READ_XML_DOCTYPE');
  assert.equal(e.kind, 'data');
  assert.deepEqual(e.where, { file: 'xxe.xml', line: 2, column: 1 });
  assert.doesNotMatch(JSON.stringify(e.toJSON()), /root:/);
});

test('xml: an external DTD without internal subset is refused too', async (t) => {
  const text = `<?xml version="1.0"?>\n<!-- made by ERP -->\n<!DOCTYPE Export SYSTEM "http://example.com/export.dtd">\n${body('Kawiarnia')}`;
  const path = await fixtureFile(t, 'ext.xml', text);
  const e = await failure(path, xmlInput, 'ext.xml');
  assert.equal(e.code, 'READ_XML_DOCTYPE');
  assert.deepEqual(e.where, { file: 'ext.xml', line: 3, column: 1 });
});

test('xml: an undeclared entity reference in text is READ_XML_ENTITY, not literal text', async (t) => {
  const path = await fixtureFile(t, 'ent.xml', body('Kawiarnia &nbsp;Pod Arkadami'));
  const e = await failure(path, xmlInput, 'ent.xml');
  assert.equal(e.code, 'READ_XML_ENTITY');
  assert.equal(e.kind, 'data');
  assert.deepEqual(e.where, { file: 'ent.xml', line: 3, column: 22, value: '&nbsp;' });
});

test('xml: an undeclared entity reference in an attribute value is READ_XML_ENTITY', async (t) => {
  const path = await fixtureFile(t, 'attr.xml', '<Export>\n  <Invoice number="FS/&foo;1"/>\n</Export>\n');
  const e = await failure(path, xmlInput, 'attr.xml');
  assert.equal(e.code, 'READ_XML_ENTITY');
  assert.deepEqual(e.where, { file: 'attr.xml', line: 2, column: 23, value: '&foo;' });
});

test('xml: the five predefined entities and character references are read; comments and CDATA are not checked', async (t) => {
  const text = `<?xml version="1.0"?>\n<!-- &notchecked; <!DOCTYPE x> -->\n<Export>\n  <Invoice number="FS/&#49;&amp;2">\n    <Buyer>A &amp; B &lt;C&gt; &quot;D&quot; &apos;E&apos; &#379;&#x142; &amp;lol9; &amp;lt;</Buyer>\n    <Note><![CDATA[&raw; <!DOCTYPE y>]]></Note>\n  </Invoice>\n</Export>\n`;
  const path = await fixtureFile(t, 'ok.xml', text);
  const records = await collect(path, xmlInput, 'ok.xml');
  assert.deepEqual(records[0]!.values, { '@number': 'FS/1&2', Buyer: `A & B <C> "D" 'E' Żł &lol9; &lt;`, Note: '&raw; <!DOCTYPE y>' });
});

test('xml: a character reference to a character XML forbids is READ_XML_ENTITY, not silently dropped', async (t) => {
  const path = await fixtureFile(t, 'nul.xml', body('Kawiarnia&#0;'));
  const e = await failure(path, xmlInput, 'nul.xml');
  assert.equal(e.code, 'READ_XML_ENTITY');
  assert.deepEqual(e.where, { file: 'nul.xml', line: 3, column: 21, value: '&#0;' });
});
