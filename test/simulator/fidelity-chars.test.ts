// Issue 10 item 6: since 16 July 2026 KSeF answers 430 for invoices carrying U+007F–U+0084,
// U+0086–U+009F, U+FDD0–U+FDEF (and U+nFFFE/U+nFFFF), as raw characters or character references,
// besides a BOM and processing instructions. Raw XML sent by the test client, not the agent
// (which refuses these before sending).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.ts';
import { SimTestClient } from '../helpers/sim-client.ts';
import { fa3Invoice } from '../helpers/sim-fixtures.ts';

const NIP = '5265877635';

test('discouraged code points, a BOM and processing instructions get invoice status 430 naming the character', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  try {
    const client = new SimTestClient(sim.baseUrl);
    await client.login(NIP, sim.registerToken(NIP));
    const s = await client.openOnline();
    let n = 0;
    const withName = (name: string): Buffer => Buffer.from(fa3Invoice({ sellerNip: NIP, number: `C/${++n}` }).replace('Sprzedawca Testowy', name), 'utf8');
    const rejected: [string, Buffer, RegExp][] = [
      ['U+007F', withName('Sprzedawca\u007fTestowy'), /U\+007F/],
      ['U+0084', withName('Sprzedawca\u0084Testowy'), /U\+0084/],
      ['U+0086', withName('Sprzedawca\u0086Testowy'), /U\+0086/],
      ['U+009F', withName('Sprzedawca\u009fTestowy'), /U\+009F/],
      ['U+FDD0', withName('Sprzedawca\ufdd0Testowy'), /U\+FDD0/],
      ['U+FDEF', withName('Sprzedawca\ufdefTestowy'), /U\+FDEF/],
      ['U+1FFFE', withName('Sprzedawca\u{1fffe}Testowy'), /U\+1FFFE/],
      ['&#x80; reference', withName('Sprzedawca&#x80;Testowy'), /U\+0080/],
      ['&#64976; reference', withName('Sprzedawca&#64976;Testowy'), /U\+FDD0/],
      ['BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), withName('Sprzedawca Testowy')]), /BOM/],
      ['PI', Buffer.from(withName('Sprzedawca Testowy').toString('utf8').replace('<Podmiot1>', '<?app x?><Podmiot1>')), /przetwarzania/],
    ];
    for (const [name, bytes, reason] of rejected) {
      const r = await client.send(s, bytes);
      assert.equal(r.status, 202, name);
      const st = await client.call('GET', `/sessions/${s.ref}/invoices/${r.json.referenceNumber}`);
      assert.equal(st.json.status.code, 430, `${name}: ${JSON.stringify(st.json.status)}`);
      assert.equal(st.json.status.description, 'Błąd weryfikacji pliku faktury', name);
      assert.match(st.json.status.details.join('\n'), reason, name);
      assert.equal(st.json.ksefNumber, undefined, name);
    }
    // U+0085 (NEL) and ordinary Polish letters are not in KSeF's list: accepted.
    for (const name of ['Sprzedawca\u0085Testowy', 'Zażółć gęślą jaźń']) {
      const r = await client.send(s, withName(name));
      const st = await client.call('GET', `/sessions/${s.ref}/invoices/${r.json.referenceNumber}`);
      assert.equal(st.json.status.code, 200, `${JSON.stringify(name)}: ${JSON.stringify(st.json.status)}`);
    }
    assert.deepEqual(client.violations, []);
  } finally {
    await sim.close();
  }
});
