import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import type { DecodeOptions, InputOptions, SectionsOptions } from '../../src/core/input-options.ts';
import { DEFAULT_LIMITS } from '../../src/core/limits.ts';
import { readRecords } from '../../src/readers/index.ts';
import { collect, failure, fixtureFile } from './reader-test-kit.ts';

/** EDI++-like layouts: documents FS/FZ, their items, a contractors reference block. */
const LAYOUTS: SectionsOptions['layouts'] = [
  { type: 'info', section: 'INFO', columns: ['Wersja', 'Cel', 'Kodowanie'] },
  { type: 'document', section: 'NAGLOWEK', when: { field: 1, in: ['FS', 'FZ'] }, columns: ['Typ', 'Status', 'Numer', 'Data'] },
  { type: 'contractors', section: 'NAGLOWEK', when: { field: 1, equals: 'KONTRAHENCI' }, columns: ['Blok'] },
  { type: 'item', section: 'ZAWARTOSC', after: 'document', columns: ['Lp', 'Nazwa', 'Ilosc', 'Cena'] },
  { type: 'contractor', section: 'ZAWARTOSC', after: 'contractors', columns: ['Kod', 'Nazwa', 'NIP'] },
];

/** The layouts without [INFO], for files that do not have it. */
const NO_INFO = LAYOUTS.filter((l) => l.type !== 'info');

const input = (o: Partial<SectionsOptions> = {}, decode: DecodeOptions = { encoding: 'auto' }): InputOptions => ({
  format: 'sections',
  decode,
  sections: { delimiter: ',', quote: '"', layouts: LAYOUTS, unknownRecords: 'error', ...o },
});

const EPP = [
  '[INFO]',
  '"1.11",0,1250',
  '',
  '[NAGLOWEK]',
  '"FS",1,"FS 1/2026","20261103"',
  '',
  '[ZAWARTOSC]',
  '1,"Kawa ""Złota"", 1 kg",2.0000,45.5000',
  '2,"Herbata",1.0000,12.0000,"extra"',
  '',
  '[NAGLOWEK]',
  '"KONTRAHENCI"',
  '',
  '[ZAWARTOSC]',
  '"K1","Łódzka Hurtownia ""Ala"" sp. z o.o.","7251801126"',
  '',
].join('\r\n');

test('sections: EDI++-like file in windows-1250 with CRLF: types, columns, quotes, extra fields, 1-based lines', async (t) => {
  const path = await fixtureFile(t, 'eksport.epp', iconv.encode(EPP, 'windows-1250'));
  const records = await collect(path, input(), 'eksport.epp');
  assert.deepEqual(records, [
    { values: { Wersja: '1.11', Cel: '0', Kodowanie: '1250' }, recordType: 'info', where: { file: 'eksport.epp', line: 2 } },
    { values: { Typ: 'FS', Status: '1', Numer: 'FS 1/2026', Data: '20261103' }, recordType: 'document', where: { file: 'eksport.epp', line: 5 } },
    { values: { Lp: '1', Nazwa: 'Kawa "Złota", 1 kg', Ilosc: '2.0000', Cena: '45.5000' }, recordType: 'item', where: { file: 'eksport.epp', line: 8 } },
    { values: { Lp: '2', Nazwa: 'Herbata', Ilosc: '1.0000', Cena: '12.0000', '5': 'extra' }, recordType: 'item', where: { file: 'eksport.epp', line: 9 } },
    { values: { Blok: 'KONTRAHENCI' }, recordType: 'contractors', where: { file: 'eksport.epp', line: 12 } },
    { values: { Kod: 'K1', Nazwa: 'Łódzka Hurtownia "Ala" sp. z o.o.', NIP: '7251801126' }, recordType: 'contractor', where: { file: 'eksport.epp', line: 15 } },
  ]);
});

test('sections: a record shorter than its columns leaves the missing ones null; an empty quoted field is ""', async (t) => {
  const path = await fixtureFile(t, 's.epp', '[NAGLOWEK]\n"FS",,""\n');
  const records = await collect(path, input({ layouts: NO_INFO.filter((l) => l.section === 'NAGLOWEK') }), 's.epp');
  assert.deepEqual(records.map((r) => r.values), [{ Typ: 'FS', Status: '', Numer: '', Data: null }]);
});

test('sections: a quoted value may span lines; the record keeps its first line', async (t) => {
  const path = await fixtureFile(t, 'm.epp', '[NAGLOWEK]\n"FS",1,"FS\n2/2026","20261104"\n[ZAWARTOSC]\n1,"A",1,2\n');
  const records = await collect(path, input({ layouts: NO_INFO }), 'm.epp');
  assert.deepEqual(records.map((r) => [r.where.line, r.recordType, r.values['Numer'] ?? r.values['Nazwa']]), [[2, 'document', 'FS\n2/2026'], [5, 'item', 'A']]);
});

test('sections: a document type no layout names (KS) is an error naming the line and section, or ignored with its items', async (t) => {
  const text = '[NAGLOWEK]\n"FS",1,"FS 1","20261103"\n[ZAWARTOSC]\n1,"A",1,2\n[NAGLOWEK]\n"KS",1,"KS 7","20261103"\n[ZAWARTOSC]\n1,"Paragon",1,2\n[NAGLOWEK]\n"FZ",1,"FZ 3","20261105"\n[ZAWARTOSC]\n1,"B",3,4\n';
  const path = await fixtureFile(t, 'k.epp', text);
  const e = await failure(path, input({ layouts: NO_INFO }), 'k.epp');
  assert.equal(e.code, 'READ_SECTION_UNKNOWN_RECORD');
  assert.equal(e.message, 'line 6 in section [NAGLOWEK] matches no layout (first field "KS"; layouts of [NAGLOWEK]: "document" when field 1 is one of FS, FZ; "contractors" when field 1 is "KONTRAHENCI")');
  assert.deepEqual(e.where, { file: 'k.epp', line: 6, value: 'KS' });
  assert.match(e.rule ?? '', /"unknownRecords": "ignore"/);

  // ignored: the KS header and its items go, the items do not stick to the FS before it
  const records = await collect(path, input({ layouts: NO_INFO, unknownRecords: 'ignore' }), 'k.epp');
  assert.deepEqual(records.map((r) => [r.where.line, r.recordType, r.values['Numer'] ?? r.values['Nazwa']]), [
    [2, 'document', 'FS 1'], [4, 'item', 'A'], [10, 'document', 'FZ 3'], [12, 'item', 'B'],
  ]);
});

test('sections: items of a section whose layouts need "after" are refused when no header came first', async (t) => {
  const path = await fixtureFile(t, 'o.epp', '[ZAWARTOSC]\n1,"A",1,2\n');
  const e = await failure(path, input(), 'o.epp');
  assert.equal(e.code, 'READ_SECTION_UNKNOWN_RECORD');
  assert.equal(e.message, 'line 2 in section [ZAWARTOSC] matches no layout (first field "1"; layouts of [ZAWARTOSC]: "item" after "document"; "contractor" after "contractors"; the last header record read: none)');
});

test('sections: a record before any [SECTION] marker, and a section no layout names', async (t) => {
  const before = await fixtureFile(t, 'b.epp', '"FS",1\n[NAGLOWEK]\n"FS",1,"x","y"\n');
  const e1 = await failure(before, input(), 'b.epp');
  assert.equal(e1.code, 'READ_SECTION_UNKNOWN_RECORD');
  assert.equal(e1.message, 'line 1 comes before any [SECTION] marker line');
  const unnamed = await fixtureFile(t, 'u.epp', '[NAGLOWEK]\n"FS",1,"x","y"\n[OPISY]\n"a"\n');
  const e2 = await failure(unnamed, input(), 'u.epp');
  assert.equal(e2.code, 'READ_SECTION_UNKNOWN_RECORD');
  assert.equal(e2.message, 'line 4 is in section [OPISY], which no layout names (layouts name [INFO], [NAGLOWEK], [ZAWARTOSC])');
});

test('sections: a section a layout names that never appears is READ_SECTION_MISSING, once, at the end, with the sections seen (closest first) and the encoding', async (t) => {
  const text = iconv.encode('[INFO]\n"1.11",0,1250\n[NAGŁÓWEK]\n"FS",1,"x","y"\n[ZAWARTOŚĆ]\n1,"A",1,2\n', 'windows-1250');
  const path = await fixtureFile(t, 'n.epp', text);
  const e = await failure(path, input({ unknownRecords: 'ignore' }), 'n.epp');
  assert.equal(e.code, 'READ_SECTION_MISSING');
  assert.equal(
    e.message,
    'section [NAGLOWEK] (layouts "document", "contractors") never appears in the file; did you mean [NAGŁÓWEK]? Sections in the file: [NAGŁÓWEK], [INFO], [ZAWARTOŚĆ]; ' +
      'section [ZAWARTOSC] (layouts "item", "contractor") never appears in the file; did you mean [ZAWARTOŚĆ]? Sections in the file: [ZAWARTOŚĆ], [INFO], [NAGŁÓWEK]. The file was read as windows-1250',
  );
  assert.deepEqual(e.where, { file: 'n.epp', value: 'NAGLOWEK' });
});

test('sections: an unclosed quote and text after a closing quote are READ_SECTION_SYNTAX with the line', async (t) => {
  const open = await fixtureFile(t, 'q.epp', '[NAGLOWEK]\n"FS",1,"x","y\n');
  const e1 = await failure(open, input(), 'q.epp');
  assert.equal(e1.code, 'READ_SECTION_SYNTAX');
  assert.equal(e1.message, 'line 2: a quoted value is never closed (the file ends inside it)');
  assert.equal(e1.where.line, 2);
  const after = await fixtureFile(t, 'a.epp', '[NAGLOWEK]\n"FS"x,1\n');
  const e2 = await failure(after, input(), 'a.epp');
  assert.equal(e2.code, 'READ_SECTION_SYNTAX');
  assert.equal(e2.message, 'line 2, field 1: text after the closing quote ("x"); a quote inside a quoted value is written twice ("")');
  assert.deepEqual(e2.where, { file: 'a.epp', line: 2, column: 5 });
});

test('sections: record length and record count limits', async (t) => {
  const read = async (path: string, limits: typeof DEFAULT_LIMITS) => {
    try {
      for await (const _ of readRecords(path, input(), 'l.epp', limits)) void _;
    } catch (e) {
      return e as { code: string; where: { line?: number } };
    }
    assert.fail('expected a limit error');
  };
  const open = await fixtureFile(t, 'l.epp', `[NAGLOWEK]\n"FS",1,"${'x\n'.repeat(100)}`);
  const e1 = await read(open, { ...DEFAULT_LIMITS, maxRecordChars: 50 });
  assert.equal(e1.code, 'LIMIT_RECORD_LENGTH');
  assert.equal(e1.where.line, 2);
  // the last line of a quoted value spanning lines counts too (each line alone is under the limit)
  const spanning = await fixtureFile(t, 's.epp', `[NAGLOWEK]\n"FS",1,"${'x'.repeat(30)}\n${'y'.repeat(30)}"\n`);
  const e3 = await read(spanning, { ...DEFAULT_LIMITS, maxRecordChars: 50 });
  assert.equal(e3.code, 'LIMIT_RECORD_LENGTH');
  assert.equal(e3.where.line, 2);
  const many = await fixtureFile(t, 'm.epp', '[NAGLOWEK]\n"FS",1,"x","y"\n[ZAWARTOSC]\n1,"A",1,2\n2,"B",1,2\n');
  const e2 = await read(many, { ...DEFAULT_LIMITS, maxRecordsPerFile: 2 });
  assert.equal(e2.code, 'LIMIT_RECORDS');
  assert.equal(e2.where.line, 5);
});
