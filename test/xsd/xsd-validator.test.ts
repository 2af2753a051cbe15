import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { loadFaValidator } from '../../src/xsd/xsd-validator.ts';

const samples = new URL('../../../shared/schemas/samples/', import.meta.url);
const sample = (p: string) => readFileSync(new URL(p, samples));
const haveShared = existsSync(new URL('FA3/FA_3_Przyklad_1.xml', samples));

test('official FA(3) sample is valid against the packaged FA(3) schema', { skip: haveShared ? false : 'shared/schemas not beside the repo' }, async () => {
  const v = await loadFaValidator('FA(3)');
  assert.deepEqual(v.validate(sample('FA3/FA_3_Przyklad_1.xml')), []);
});

test('official FA(2) sample is valid against FA(2) and not against FA(3)', { skip: haveShared ? false : 'shared/schemas not beside the repo' }, async () => {
  const fa2 = await loadFaValidator('FA(2)');
  const fa3 = await loadFaValidator('FA(3)');
  const xml = sample('FA2/FA_2_Przyklad_9.xml');
  assert.deepEqual(fa2.validate(xml), []);
  assert.ok(fa3.validate(xml).length > 0);
});

test('a broken invoice yields problems with line numbers and the element named', async () => {
  const v = await loadFaValidator('FA(3)');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/">\n<Naglowek><Bogus/></Naglowek>\n</Faktura>`;
  const problems = v.validate(xml);
  assert.ok(problems.length >= 1);
  assert.match(problems[0]!.message, /Bogus|KodFormularza/);
  assert.equal(problems[0]!.line, 3);
});

test('malformed XML is a problem, not an exception', async () => {
  const v = await loadFaValidator('FA(3)');
  const problems = v.validate('<Faktura><unclosed></Faktura>');
  assert.ok(problems.length >= 1);
  assert.ok(problems[0]!.message.length > 0);
});
