/**
 * Reads the fields KSeF itself looks at from an FA(2)/FA(3) document. Runs after XSD validation,
 * so element order and nesting are known; plain regular expressions over the text are enough
 * (and an order of magnitude faster than a full parse, which matters for 10,000-invoice batches).
 * Namespace prefixes are tolerated.
 */
import Big from 'big.js';

export interface FaFacts {
  readonly namespace: string;
  readonly sellerNip: string;
  readonly sellerName?: string;
  readonly buyer: { type: 'Nip' | 'VatUe' | 'Other' | 'None'; value?: string; name?: string };
  readonly otherNips: string[];
  readonly issueDate: string;
  readonly invoiceNumber: string;
  readonly invoiceKind: string;
  readonly currency: string;
  readonly netAmount: string;
  readonly vatAmount: string;
  readonly grossAmount: string;
}

export const INVOICE_TYPES: Readonly<Record<string, string>> = {
  VAT: 'Vat', ZAL: 'Zal', KOR: 'Kor', ROZ: 'Roz', UPR: 'Upr', KOR_ZAL: 'KorZal', KOR_ROZ: 'KorRoz',
};

const P = '(?:[A-Za-z_][\\w.-]*:)?';

function unescape(s: string): string {
  return s
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&')
    .trim();
}

/** Text of the first `<name>` element in `xml`. */
function first(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${P}${name}(?:\\s[^>]*)?>([^<]*)</${P}${name}>`).exec(xml);
  return m ? unescape(m[1]!) : undefined;
}

/** Inner XML of every `<name>…</name>` element (not nested in itself). */
function blocks(xml: string, name: string): string[] {
  const re = new RegExp(`<${P}${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${P}${name}>`, 'g');
  return [...xml.matchAll(re)].map((m) => m[1]!);
}

function sum(fa: string, re: RegExp): string {
  let total = new Big(0);
  for (const m of fa.matchAll(re)) {
    const t = m[1]!.trim();
    if (/^-?\d+(\.\d+)?$/.test(t)) total = total.plus(t);
  }
  return total.toFixed(2);
}

export function inspectFa(xml: string): FaFacts {
  const rootTag = new RegExp(`<(${P})Faktura(\\s[^>]*)?>`).exec(xml);
  let namespace = '';
  if (rootTag) {
    const prefix = rootTag[1] ? rootTag[1].slice(0, -1) : '';
    const attr = new RegExp(`xmlns${prefix ? ':' + prefix : ''}\\s*=\\s*["']([^"']*)["']`).exec(rootTag[2] ?? '');
    namespace = attr ? attr[1]! : '';
  }
  const p1 = blocks(xml, 'Podmiot1')[0] ?? '';
  const p2 = blocks(xml, 'Podmiot2')[0] ?? '';
  const fa = blocks(xml, 'Fa')[0] ?? '';
  const p1id = blocks(p1, 'DaneIdentyfikacyjne')[0] ?? '';
  const p2id = blocks(p2, 'DaneIdentyfikacyjne')[0] ?? '';
  const buyerName = first(p2id, 'Nazwa');
  let buyer: FaFacts['buyer'];
  if (first(p2id, 'NIP')) buyer = { type: 'Nip', value: first(p2id, 'NIP')! };
  else if (first(p2id, 'NrVatUE')) buyer = { type: 'VatUe', value: `${first(p2id, 'KodUE') ?? ''}${first(p2id, 'NrVatUE')}` };
  else if (first(p2id, 'NrID')) buyer = { type: 'Other', value: first(p2id, 'NrID')! };
  else buyer = { type: 'None' };
  if (buyerName) buyer.name = buyerName;
  const otherNips = [...blocks(xml, 'Podmiot3'), ...blocks(xml, 'PodmiotUpowazniony')]
    .map((b) => first(blocks(b, 'DaneIdentyfikacyjne')[0] ?? '', 'NIP'))
    .filter((n): n is string => Boolean(n));
  // Invoice-level fields sit before the first line, annotation or payment block.
  const head = fa.split(new RegExp(`<${P}(?:FaWiersz|Adnotacje)[\\s>]`))[0] ?? fa;
  const gross = first(head, 'P_15');
  const sellerName = first(p1id, 'Nazwa');
  return {
    namespace,
    sellerNip: first(p1id, 'NIP') ?? '',
    ...(sellerName ? { sellerName } : {}),
    buyer,
    otherNips,
    issueDate: first(head, 'P_1') ?? '',
    invoiceNumber: first(head, 'P_2') ?? '',
    invoiceKind: first(fa, 'RodzajFaktury') ?? '',
    currency: first(head, 'KodWaluty') ?? 'PLN',
    netAmount: sum(head, new RegExp(`<${P}P_13_\\d+>([^<]*)<`, 'g')),
    vatAmount: sum(head, new RegExp(`<${P}P_14_\\d+>([^<]*)<`, 'g')),
    grossAmount: gross && /^-?\d+(\.\d+)?$/.test(gross) ? new Big(gross).toFixed(2) : '0.00',
  };
}
