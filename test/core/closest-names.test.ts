import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestNames } from '../../src/core/closest-names.ts';

test('closestNames: one rule for columns, paths, sheets and sections (case and Polish letters aside, a real typo before a containing name)', () => {
  const s = (wanted: string, names: string[]) => closestNames(wanted, names).suggestions;
  assert.deepEqual(s('Ilosc', ['Nazwa', 'Ilość', 'Cena']), ['Ilość']);
  assert.deepEqual(s('Data sprzedaży', ['Data', 'Data sprzedaľy']), ['Data sprzedaľy']); // a CP852 header read as windows-1250
  assert.deepEqual(s('Buyer/Nmae', ['Buyer', 'Buyer/Name']), ['Buyer/Name']);
  assert.deepEqual(s('billing.e_mail', ['billing', 'billing.email']), ['billing.email']);
  assert.deepEqual(s('Typ', ['Numer', 'Typ rekordu']), ['Typ rekordu']);
  assert.deepEqual(s('Kwota', ['Nazwa', 'Data']), []);
  assert.deepEqual(closestNames('Pozycje', ['Faktury', 'Pozycja', 'Towary']).ordered, ['Pozycja', 'Towary', 'Faktury']);
});
