import { test } from 'node:test';
import assert from 'node:assert/strict';
import { excelSerialToDate, parseBoolean, parseDate, parseDecimal, parseVatRate } from '../../src/mapping/convert.ts';
import { compileDatePattern } from '../../src/mapping/date-pattern.ts';

test('decimals: comma, dot, auto, thousands separators incl. NBSP and narrow NBSP, implied decimals, signs', () => {
  const cases: [string, 'comma' | 'dot' | 'auto', number, string | undefined][] = [
    ['1 234,50', 'comma', 0, '1234.5'],
    ['1\u00a0234,50', 'comma', 0, '1234.5'],
    ['12\u202f450,00', 'comma', 0, '12450'],
    ['1.234,50', 'comma', 0, '1234.5'],
    ['1,5', 'comma', 0, '1.5'],
    ['1.5', 'comma', 0, undefined], // a dot is only a thousands separator in comma style
    ['1,234.50', 'dot', 0, '1234.5'],
    ['1,5', 'dot', 0, undefined],
    ['1 234,50', 'auto', 0, '1234.5'],
    ['1,234.50', 'auto', 0, '1234.5'],
    ['1.234.567', 'auto', 0, '1234567'],
    ['-12,50', 'comma', 0, '-12.5'],
    ['12,50-', 'comma', 0, '-12.5'],
    ['+3', 'auto', 0, '3'],
    ['000000124900', 'auto', 2, '1249'],
    ['000000004250', 'auto', 3, '4.25'],
    ['12,5', 'comma', 2, undefined], // implied decimals need a whole number
    ['abc', 'auto', 0, undefined],
    ['1,2,3', 'comma', 0, undefined],
    ['', 'auto', 0, undefined],
    ['0,1', 'comma', 0, '0.1'],
    ['12.345,678', 'comma', 0, '12345.678'],
  ];
  for (const [text, style, implied, expected] of cases) {
    assert.equal(parseDecimal(text, style, implied), expected, `${JSON.stringify(text)} ${style} ${implied}`);
  }
});

test('date patterns: valid calendar dates only, two-digit years, single-digit parts', () => {
  const cases: [string, string, string | undefined][] = [
    ['dd.MM.yyyy', '03.11.2026', '2026-11-03'],
    ['dd.MM.yyyy', '31.02.2026', undefined],
    ['dd.MM.yyyy', '29.02.2028', '2028-02-29'],
    ['dd.MM.yyyy', '3.11.2026', undefined],
    ['yyyyMMdd', '20261110', '2026-11-10'],
    ['d/M/yy', '3/1/26', '2026-01-03'],
    ['d/M/yy', '13/12/26', '2026-12-13'],
    ['yyyy-MM-dd HH:mm', '2026-11-03 14:22', '2026-11-03'],
  ];
  for (const [pattern, text, expected] of cases) {
    const p = compileDatePattern(pattern);
    assert.notEqual(typeof p, 'string', pattern);
    assert.equal(parseDate(text, { kind: 'pattern', parser: p as Exclude<typeof p, string> }), expected, `${pattern} ${text}`);
  }
  assert.match(compileDatePattern('dd-MM-rrrr') as string, /unknown letter "r" at position 7/);
  assert.match(compileDatePattern('dd.MM') as string, /year .* exactly once/);
  assert.match(compileDatePattern('dd.MM.yyyy dd') as string, /exactly once/);
});

test('ISO dates and timestamps become local dates; Excel serial dates', () => {
  const iso = { kind: 'iso', timeZone: 'Europe/Warsaw' } as const;
  assert.equal(parseDate('2026-11-19', iso), '2026-11-19');
  assert.equal(parseDate('2026-11-19T14:22:31+01:00', iso), '2026-11-19');
  assert.equal(parseDate('2026-11-19T23:30:00Z', iso), '2026-11-20'); // 00:30 in Warsaw
  assert.equal(parseDate('2026-11-19T23:30:00', iso), '2026-11-19'); // no offset: as written
  assert.equal(parseDate('2026-02-30', iso), undefined);
  assert.equal(parseDate('19.11.2026', iso), undefined);
  assert.equal(excelSerialToDate('46345'), '2026-11-19');
  assert.equal(excelSerialToDate('46345.75'), '2026-11-19');
  assert.equal(excelSerialToDate('45000'), '2023-03-15');
  assert.equal(excelSerialToDate('abc'), undefined);
});

test('VAT rates and booleans', () => {
  assert.equal(parseVatRate('23%'), '23');
  assert.equal(parseVatRate('23 %'), '23');
  assert.equal(parseVatRate('ZW'), 'zw');
  assert.equal(parseVatRate('0 wdt'), '0 WDT');
  assert.equal(parseVatRate('np  I'), 'np I');
  assert.equal(parseVatRate('8.00'), '8');
  assert.equal(parseVatRate('24'), undefined);
  assert.equal(parseBoolean('Tak'), true);
  assert.equal(parseBoolean('N'), false);
  assert.equal(parseBoolean('maybe'), undefined);
});
