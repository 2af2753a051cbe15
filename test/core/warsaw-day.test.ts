// KSeF's calendar is the Polish one: one Warsaw day implementation (src/core/warsaw-day.ts) serves the
// simulator (issue dates, KSeF numbers), the credential warnings (the token deadline) and the
// purchase windows (month folders, day starts). Its edges: UTC vs Warsaw midnight, both DST changes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { warsawDate, warsawMidnight, warsawMonth } from '../../src/core/warsaw-day.ts';

describe('warsawDate', () => {
  const cases: Array<[string, string, string]> = [
    ['winter: 23:59:59 in Warsaw is still the 25th', '2026-11-25T22:59:59Z', '2026-11-25'],
    ['winter: Warsaw midnight is 23:00 UTC', '2026-11-25T23:00:00Z', '2026-11-26'],
    ['00:30 Warsaw while UTC is still the day before', '2026-11-25T23:30:00Z', '2026-11-26'],
    ['UTC midnight is 01:00 in Warsaw (winter)', '2026-11-26T00:00:00Z', '2026-11-26'],
    ['summer: Warsaw midnight is 22:00 UTC', '2026-07-01T22:00:00Z', '2026-07-02'],
    ['summer: 23:59:59 in Warsaw', '2026-07-01T21:59:59Z', '2026-07-01'],
    ['new year in Warsaw before UTC', '2026-12-31T23:30:00Z', '2027-01-01'],
    // 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC
    ['29 Mar: the day starts at 23:00 UTC (still CET)', '2026-03-28T23:00:00Z', '2026-03-29'],
    ['29 Mar: the last second before it', '2026-03-28T22:59:59Z', '2026-03-28'],
    ['29 Mar: across the switch', '2026-03-29T01:30:00Z', '2026-03-29'],
    ['29 Mar: ends at 22:00 UTC (now CEST)', '2026-03-29T21:59:59Z', '2026-03-29'],
    ['30 Mar starts at 22:00 UTC', '2026-03-29T22:00:00Z', '2026-03-30'],
    // 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC
    ['25 Oct: the day starts at 22:00 UTC (still CEST)', '2026-10-24T22:00:00Z', '2026-10-25'],
    ['25 Oct: the last second before it', '2026-10-24T21:59:59Z', '2026-10-24'],
    ['25 Oct: the repeated hour', '2026-10-25T00:30:00Z', '2026-10-25'],
    ['25 Oct: the repeated hour, second time', '2026-10-25T01:30:00Z', '2026-10-25'],
    ['25 Oct: ends at 23:00 UTC (now CET)', '2026-10-25T22:59:59Z', '2026-10-25'],
    ['26 Oct starts at 23:00 UTC', '2026-10-25T23:00:00Z', '2026-10-26'],
  ];
  for (const [name, at, day] of cases) {
    it(`${name}: ${at} → ${day}`, () => {
      assert.equal(warsawDate(Date.parse(at)), day);
      assert.equal(warsawDate(at), day, 'an ISO instant reads the same as its epoch milliseconds');
    });
  }
});

describe('warsawMidnight: the instant a Warsaw day starts', () => {
  const cases: Array<[string, string]> = [
    ['2026-01-15', '2026-01-14T23:00:00.000Z'],
    ['2026-07-01', '2026-06-30T22:00:00.000Z'],
    ['2026-03-29', '2026-03-28T23:00:00.000Z'],
    ['2026-03-30', '2026-03-29T22:00:00.000Z'],
    ['2026-10-25', '2026-10-24T22:00:00.000Z'],
    ['2026-10-26', '2026-10-25T23:00:00.000Z'],
  ];
  for (const [day, start] of cases) {
    it(`${day} starts at ${start}`, () => {
      assert.equal(warsawMidnight(day), start);
      assert.equal(warsawDate(start), day, 'that instant is in the day');
      assert.notEqual(warsawDate(Date.parse(start) - 1), day, 'the millisecond before is not');
    });
  }
});

describe('warsawMonth', () => {
  it('the month of an instant in Warsaw', () => {
    assert.equal(warsawMonth('2026-03-31T22:30:00Z'), '2026-04');
    assert.equal(warsawMonth('2026-03-31T21:59:59Z'), '2026-03');
    assert.equal(warsawMonth('2026-12-31T23:30:00Z'), '2027-01');
    assert.equal(warsawMonth('2026-12-31T22:59:00Z'), '2026-12');
    assert.equal(warsawMonth(Date.parse('2026-10-31T23:00:00Z')), '2026-11');
  });
});
