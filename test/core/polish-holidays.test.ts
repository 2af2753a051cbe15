// Polish public holidays and working days (offline24 deadlines in result files), checked day by day
// against the table of a maintained KSeF client library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPolishHoliday as theirs } from 'ksef-client-ts';
import { isPolishHoliday, nextWorkingDay } from '../../src/core/polish-holidays.ts';

test('every day of 2025–2032 is a holiday exactly when ksef-client-ts says so', () => {
  const d = new Date('2025-01-01T12:00:00Z');
  let holidays = 0;
  while (d.getUTCFullYear() < 2033) {
    const day = d.toISOString().slice(0, 10);
    assert.equal(isPolishHoliday(day), theirs(new Date(d)), day);
    if (isPolishHoliday(day)) holidays++;
    d.setUTCDate(d.getUTCDate() + 1);
  }
  assert.ok(holidays >= 8 * 13, `${holidays} holidays in 8 years`);
});

test('the next working day skips weekends and holidays (Wigilia, Christmas, Easter Monday, 11 November)', () => {
  assert.equal(nextWorkingDay('2026-11-19'), '2026-11-20'); // Thu → Fri
  assert.equal(nextWorkingDay('2026-11-20'), '2026-11-23'); // Fri → Mon
  assert.equal(nextWorkingDay('2026-11-10'), '2026-11-12'); // 11 November
  assert.equal(nextWorkingDay('2026-12-23'), '2026-12-28'); // 24, 25, 26 December, Sunday
  assert.equal(nextWorkingDay('2027-03-26'), '2027-03-30'); // Easter Monday 29 March 2027
  assert.equal(nextWorkingDay('2027-05-26'), '2027-05-28'); // Corpus Christi 27 May 2027
});
