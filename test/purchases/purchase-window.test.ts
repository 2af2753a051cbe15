import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { advanceCursor, nextFrom, planWindow, warsawMidnight, warsawMonth } from '../../src/jobs/purchases/index.ts';

const MIN = 5 * 60_000;
const at = (s: string): number => Date.parse(s);

describe('purchase windows and cursor', () => {
  const plans: Array<[string, string, string | undefined, string, ReturnType<typeof planWindow>]> = [
    ['open window up to now', '2026-03-01T00:00:00.000Z', undefined, '2026-03-10T00:00:00.000Z', { from: '2026-03-01T00:00:00.000Z' }],
    ['too close to now: nothing asked', '2026-03-10T00:00:00.000Z', undefined, '2026-03-10T00:04:59.000Z', undefined],
    ['just long enough', '2026-03-10T00:00:00.000Z', undefined, '2026-03-10T00:05:00.000Z', { from: '2026-03-10T00:00:00.000Z' }],
    ['longer than 3 months: a 3-month chunk', '2026-01-15T00:00:00.000Z', undefined, '2026-07-01T00:00:00.000Z', { from: '2026-01-15T00:00:00.000Z', to: '2026-04-15T00:00:00.000Z' }],
    ['back-fill stream stops at its end', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z', { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' }],
    ['back-fill stream done', '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z', undefined],
  ];
  for (const [name, cursor, until, now, want] of plans) {
    it(`plan: ${name}`, () => assert.deepEqual(planWindow(cursor, until, at(now), { minWindowMs: MIN }), want));
  }

  it('next from: truncated → last permanent-storage date; else HWM, capped at the window end', () => {
    assert.equal(nextFrom({ from: 'a' }, { isTruncated: true, lastPermanentStorageDate: '2026-03-02T00:00:00Z', permanentStorageHwmDate: '2026-03-09T00:00:00Z' }), '2026-03-02T00:00:00Z');
    assert.equal(nextFrom({ from: 'a' }, { isTruncated: false, lastPermanentStorageDate: '2026-03-02T00:00:00Z', permanentStorageHwmDate: '2026-03-09T00:00:00Z' }), '2026-03-09T00:00:00Z');
    assert.equal(nextFrom({ from: 'a', to: '2026-03-05T00:00:00Z' }, { isTruncated: false, permanentStorageHwmDate: '2026-03-09T00:00:00Z' }), '2026-03-05T00:00:00Z');
    assert.equal(nextFrom({ from: 'a', to: '2026-03-05T00:00:00Z' }, { isTruncated: false, permanentStorageHwmDate: '2026-03-04T00:00:00Z' }), '2026-03-04T00:00:00Z');
  });

  it('the cursor never moves back, whatever KSeF answers', () => {
    const c = '2026-03-10T00:00:00.000Z';
    assert.equal(advanceCursor(c, '2026-03-09T23:59:59.000Z'), c);
    assert.equal(advanceCursor(c, undefined), c);
    assert.equal(advanceCursor(c, 'garbage'), c);
    assert.equal(advanceCursor(c, '2026-03-10T01:00:00+01:00'), c);
    assert.equal(advanceCursor(c, '2026-03-10T00:00:01Z'), '2026-03-10T00:00:01.000Z');
  });

  it('Warsaw dates: back-fill midnight and month folders across the DST change and year end', () => {
    assert.equal(warsawMidnight('2026-01-15'), '2026-01-14T23:00:00.000Z');
    assert.equal(warsawMidnight('2026-07-01'), '2026-06-30T22:00:00.000Z');
    assert.equal(warsawMonth('2026-03-31T22:30:00Z'), '2026-04');
    assert.equal(warsawMonth('2026-12-31T23:30:00Z'), '2027-01');
    assert.equal(warsawMonth('2026-12-31T22:59:00Z'), '2026-12');
  });
});
