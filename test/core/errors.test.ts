import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentError, describeError } from '../../src/core/errors.ts';

test('describeError names file, row, field, value, rule and code', () => {
  const e = new AgentError('MAP_DATE', 'not a date', {
    where: { file: 'a.csv', row: 7, field: 'issueDate', value: '31.02.2026' },
    rule: 'date pattern dd.MM.yyyy',
  });
  assert.equal(
    describeError(e),
    'a.csv, row 7, field issueDate, value "31.02.2026": not a date (rule: date pattern dd.MM.yyyy) [MAP_DATE]',
  );
});

test('at() adds location without overriding what the error already knows', () => {
  const e = new AgentError('X', 'm', { where: { row: 3 } }).at({ file: 'f.csv', row: 99 });
  assert.deepEqual(e.where, { file: 'f.csv', row: 3 });
  assert.equal(e.code, 'X');
});
