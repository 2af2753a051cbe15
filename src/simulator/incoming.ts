/**
 * Purchase invoices for the purchase side of the agent: seeded from explicit XML, or generated as
 * realistic valid FA(3) invoices from random sellers (valid NIPs) to a buyer, over a date range.
 */
import Big from 'big.js';
import { randomBytes, randomInt } from 'node:crypto';
import { sha256b64 } from './crypto.ts';
import { inspectFa } from './fa-inspect.ts';
import { ksefNumber, randomNip } from './ids.ts';
import type { Sim } from './sim-context.ts';
import type { StoredInvoice } from './state.ts';
import { warsawDate } from '../core/warsaw-day.ts';

const FA3_NS = 'http://crd.gov.pl/wzor/2025/06/25/13775/';
const FA2_NS = 'http://crd.gov.pl/wzor/2023/06/29/12648/';
const DAY = 86_400_000;

export interface SeedOptions {
  /** When the invoice got its KSeF number; default: now. */
  acquisitionDate?: number;
}

export interface GenerateOptions {
  buyerNip: string;
  count: number;
  /** Issue dates spread over [from, to] (epoch ms); default: the last 30 days. */
  from?: number;
  to?: number;
  buyerName?: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Store one invoice XML with a KSeF number, as if its seller had sent it. */
export function seedInvoiceXml(sim: Sim, xml: string, opts: SeedOptions = {}): StoredInvoice {
  const facts = inspectFa(xml);
  if (!facts.sellerNip || !facts.invoiceNumber) throw new Error('The XML is not an FA invoice with Podmiot1 NIP and P_2.');
  const fa2 = facts.namespace === FA2_NS;
  const acquisitionDate = opts.acquisitionDate ?? sim.now();
  const inv: StoredInvoice = {
    ksefNumber: ksefNumber(facts.sellerNip, acquisitionDate),
    xml,
    invoiceHash: sha256b64(Buffer.from(xml, 'utf8')),
    sellerNip: facts.sellerNip,
    ...(facts.sellerName ? { sellerName: facts.sellerName } : {}),
    buyer: facts.buyer,
    invoiceNumber: facts.invoiceNumber,
    invoiceKind: facts.invoiceKind,
    issueDate: facts.issueDate,
    invoicingDate: acquisitionDate,
    acquisitionDate,
    permanentStorageDate: acquisitionDate + sim.opts.permanentStorageDelayMs,
    netAmount: facts.netAmount,
    vatAmount: facts.vatAmount,
    grossAmount: facts.grossAmount,
    currency: facts.currency,
    formCode: { systemCode: fa2 ? 'FA (2)' : 'FA (3)', schemaVersion: '1-0E', value: 'FA' },
    invoicingMode: 'Online',
  };
  sim.state.addInvoice(inv);
  return inv;
}

const GOODS = [
  ['Papier biurowy A4 80g', 'ryza', '18.90', '23'],
  ['Toner do drukarki laserowej', 'szt.', '249.00', '23'],
  ['Usługa serwisowa klimatyzacji', 'godz.', '150.00', '23'],
  ['Kawa ziarnista 1 kg', 'szt.', '64.99', '23'],
  ['Woda mineralna 1,5 l (zgrzewka)', 'opak.', '11.40', '8'],
  ['Książka: Podatek VAT w praktyce', 'szt.', '89.00', '5'],
  ['Licencja oprogramowania – abonament miesięczny', 'szt.', '399.00', '23'],
  ['Transport krajowy', 'kurs', '520.00', '23'],
] as const;

const SELLERS = ['Hurtownia Biurowa', 'Serwis Techniczny', 'Dostawy Spożywcze', 'Wydawnictwo Fachowe', 'Soft-Serwis', 'Trans-Kur'];
const CITIES = [['00-950', 'Warszawa'], ['30-001', 'Kraków'], ['50-001', 'Wrocław'], ['60-101', 'Poznań'], ['80-001', 'Gdańsk']] as const;

/** A realistic FA(3) invoice (valid against the official XSD). */
export function generateFa3(o: { sellerNip: string; sellerName: string; buyerNip: string; buyerName: string; number: string; issueDate: string; createdAt: string }): string {
  const lineCount = randomInt(1, 4);
  const perRate = new Map<string, { net: Big; vat: Big }>();
  const rows: string[] = [];
  for (let i = 1; i <= lineCount; i++) {
    const [name, unit, price, rate] = GOODS[randomInt(GOODS.length)]!;
    const qty = String(randomInt(1, 20));
    const net = new Big(price).times(qty).round(2, Big.roundHalfUp);
    const agg = perRate.get(rate) ?? { net: new Big(0), vat: new Big(0) };
    agg.net = agg.net.plus(net);
    perRate.set(rate, agg);
    rows.push(`    <FaWiersz>\n      <NrWierszaFa>${i}</NrWierszaFa>\n      <P_7>${esc(name)}</P_7>\n      <P_8A>${unit}</P_8A>\n      <P_8B>${qty}</P_8B>\n      <P_9A>${price}</P_9A>\n      <P_11>${net.toFixed(2)}</P_11>\n      <P_12>${rate}</P_12>\n    </FaWiersz>`);
  }
  const field: Record<string, string> = { '23': '1', '8': '2', '5': '3' };
  let gross = new Big(0);
  const sums: string[] = [];
  for (const rate of ['23', '8', '5']) {
    const agg = perRate.get(rate);
    if (!agg) continue;
    const vat = agg.net.times(rate).div(100).round(2, Big.roundHalfUp);
    gross = gross.plus(agg.net).plus(vat);
    sums.push(`    <P_13_${field[rate]}>${agg.net.toFixed(2)}</P_13_${field[rate]}>\n    <P_14_${field[rate]}>${vat.toFixed(2)}</P_14_${field[rate]}>`);
  }
  const [zip, city] = CITIES[randomInt(CITIES.length)]!;
  const due = new Date(Date.parse(`${o.issueDate}T00:00:00Z`) + 14 * DAY).toISOString().slice(0, 10);
  return `<?xml version="1.0" encoding="UTF-8"?>
<Faktura xmlns="${FA3_NS}">
  <Naglowek>
    <KodFormularza kodSystemowy="FA (3)" wersjaSchemy="1-0E">FA</KodFormularza>
    <WariantFormularza>3</WariantFormularza>
    <DataWytworzeniaFa>${o.createdAt}</DataWytworzeniaFa>
    <SystemInfo>ksef-simulator</SystemInfo>
  </Naglowek>
  <Podmiot1>
    <DaneIdentyfikacyjne>
      <NIP>${o.sellerNip}</NIP>
      <Nazwa>${esc(o.sellerName)}</Nazwa>
    </DaneIdentyfikacyjne>
    <Adres>
      <KodKraju>PL</KodKraju>
      <AdresL1>ul. Przykładowa ${randomInt(1, 200)}</AdresL1>
      <AdresL2>${zip} ${city}</AdresL2>
    </Adres>
  </Podmiot1>
  <Podmiot2>
    <DaneIdentyfikacyjne>
      <NIP>${o.buyerNip}</NIP>
      <Nazwa>${esc(o.buyerName)}</Nazwa>
    </DaneIdentyfikacyjne>
    <JST>2</JST>
    <GV>2</GV>
  </Podmiot2>
  <Fa>
    <KodWaluty>PLN</KodWaluty>
    <P_1>${o.issueDate}</P_1>
    <P_1M>${city}</P_1M>
    <P_2>${esc(o.number)}</P_2>
${sums.join('\n')}
    <P_15>${gross.toFixed(2)}</P_15>
    <Adnotacje>
      <P_16>2</P_16>
      <P_17>2</P_17>
      <P_18>2</P_18>
      <P_18A>2</P_18A>
      <Zwolnienie>
        <P_19N>1</P_19N>
      </Zwolnienie>
      <NoweSrodkiTransportu>
        <P_22N>1</P_22N>
      </NoweSrodkiTransportu>
      <P_23>2</P_23>
      <PMarzy>
        <P_PMarzyN>1</P_PMarzyN>
      </PMarzy>
    </Adnotacje>
    <RodzajFaktury>VAT</RodzajFaktury>
${rows.join('\n')}
    <Platnosc>
      <TerminPlatnosci>
        <Termin>${due}</Termin>
      </TerminPlatnosci>
      <FormaPlatnosci>6</FormaPlatnosci>
    </Platnosc>
  </Fa>
</Faktura>
`;
}

/** Generate `count` purchase invoices for a buyer, spread evenly over the date range. */
export function generateIncoming(sim: Sim, o: GenerateOptions): StoredInvoice[] {
  const to = Math.min(o.to ?? sim.now(), sim.now());
  const from = o.from ?? to - 30 * DAY;
  const sellers = Array.from({ length: Math.min(6, Math.max(1, o.count)) }, (_, i) => ({ nip: randomNip(), name: `${SELLERS[i % SELLERS.length]} sp. z o.o.` }));
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const out: StoredInvoice[] = [];
  for (let i = 0; i < o.count; i++) {
    const seller = sellers[i % sellers.length]!;
    const acquisitionDate = o.count === 1 ? to : Math.round(from + ((to - from) * i) / (o.count - 1));
    const issueDate = warsawDate(acquisitionDate);
    const month = issueDate.slice(5, 7);
    const xml = generateFa3({
      sellerNip: seller.nip,
      sellerName: seller.name,
      buyerNip: o.buyerNip,
      buyerName: o.buyerName ?? 'Nabywca Testowy sp. z o.o.',
      number: `FV/${tag}/${i + 1}/${month}/${issueDate.slice(0, 4)}`,
      issueDate,
      createdAt: new Date(acquisitionDate).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    out.push(seedInvoiceXml(sim, xml, { acquisitionDate }));
  }
  return out;
}
