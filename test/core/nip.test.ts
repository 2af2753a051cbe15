import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidNip, nipCheckDigit, nipProblem, normaliseNip } from '../../src/core/nip.ts';

test('normaliseNip removes dashes, spaces, dots and the PL prefix', () => {
  assert.equal(normaliseNip('774-000-14-54'), '7740001454');
  assert.equal(normaliseNip('PL 774 00 01 454'), '7740001454');
  assert.equal(normaliseNip('pl7740001454'), '7740001454');
  assert.equal(normaliseNip('774.000.14.54'), '7740001454');
  assert.equal(normaliseNip('774\u00a0000\u00a014\u00a054'), '7740001454');
  assert.equal(normaliseNip('DE123'), 'DE123'); // not ours to fix: the checksum rule names it
});

test('checksum: weights 6 5 7 2 3 4 5 6 7, mod 11', () => {
  assert.equal(nipCheckDigit('774000145'), 4);
  assert.equal(isValidNip('7740001454'), true);
  assert.equal(isValidNip('9999999999'), true);
  assert.equal(isValidNip('7740001455'), false);
  assert.equal(isValidNip('774000145'), false);
  assert.equal(isValidNip('0740001454'), false);
});

test('nipProblem says what is wrong', () => {
  assert.equal(nipProblem('7740001454'), undefined);
  assert.equal(nipProblem('77400014'), 'a NIP has exactly 10 digits');
  assert.equal(nipProblem('7740001453'), 'NIP checksum: the last digit should be 4');
  assert.equal(nipProblem('1000000000'), 'a NIP does not start with 0 and has no "00" at positions 2-3');
  assert.equal(nipCheckDigit('111111117'), null); // weighted sum mod 11 = 10: no NIP starts like this
  assert.equal(nipProblem('1111111170'), 'no valid NIP has these first nine digits (weighted sum mod 11 is 10)');
});
