/** Reads the fields KSeF itself looks at from an FA(2)/FA(3) document (after XSD validation). */
import Big from 'big.js';
import { XMLParser } from 'fast-xml-parser';

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

const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, trimValues: true });

type Node = Record<string, unknown>;
const obj = (v: unknown): Node => (v && typeof v === 'object' ? (v as Node) : {});
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as Node)['#text'] === 'string' ? ((v as Node)['#text'] as string) : undefined);

export const INVOICE_TYPES: Readonly<Record<string, string>> = {
  VAT: 'Vat', ZAL: 'Zal', KOR: 'Kor', ROZ: 'Roz', UPR: 'Upr', KOR_ZAL: 'KorZal', KOR_ROZ: 'KorRoz',
};

function sum(fa: Node, re: RegExp): string {
  let total = new Big(0);
  for (const [k, v] of Object.entries(fa)) {
    const t = text(v);
    if (re.test(k) && t !== undefined && /^-?\d+(\.\d+)?$/.test(t)) total = total.plus(t);
  }
  return total.toFixed(2);
}

export function inspectFa(xml: string): FaFacts {
  const doc = obj(parser.parse(xml));
  const root = obj(doc['Faktura']);
  // removeNSPrefix drops xmlns attributes, so the default namespace is read from the root tag itself
  const namespace = String(root['@_xmlns'] ?? /<(?:[\w.-]+:)?Faktura\b[^>]*?\sxmlns\s*=\s*["']([^"']*)["']/.exec(xml)?.[1] ?? '');
  const p1 = obj(obj(root['Podmiot1'])['DaneIdentyfikacyjne']);
  const p2 = obj(obj(root['Podmiot2'])['DaneIdentyfikacyjne']);
  const fa = obj(root['Fa']);
  let buyer: FaFacts['buyer'];
  const buyerName = text(p2['Nazwa']);
  if (text(p2['NIP'])) buyer = { type: 'Nip', value: text(p2['NIP'])! };
  else if (text(p2['NrVatUE'])) buyer = { type: 'VatUe', value: `${text(p2['KodUE']) ?? ''}${text(p2['NrVatUE'])}` };
  else if (text(p2['NrID'])) buyer = { type: 'Other', value: text(p2['NrID'])! };
  else buyer = { type: 'None' };
  if (buyerName) buyer.name = buyerName;
  const otherNips: string[] = [];
  const p3 = root['Podmiot3'];
  for (const p of Array.isArray(p3) ? p3 : p3 ? [p3] : []) {
    const nip = text(obj(obj(p)['DaneIdentyfikacyjne'])['NIP']);
    if (nip) otherNips.push(nip);
  }
  const upow = text(obj(obj(root['PodmiotUpowazniony'])['DaneIdentyfikacyjne'])['NIP']);
  if (upow) otherNips.push(upow);
  const gross = text(fa['P_15']);
  return {
    namespace,
    sellerNip: text(p1['NIP']) ?? '',
    ...(text(p1['Nazwa']) ? { sellerName: text(p1['Nazwa'])! } : {}),
    buyer,
    otherNips,
    issueDate: text(fa['P_1']) ?? '',
    invoiceNumber: text(fa['P_2']) ?? '',
    invoiceKind: text(fa['RodzajFaktury']) ?? '',
    currency: text(fa['KodWaluty']) ?? 'PLN',
    netAmount: sum(fa, /^P_13_\d+$/),
    vatAmount: sum(fa, /^P_14_\d+$/),
    grossAmount: gross && /^-?\d+(\.\d+)?$/.test(gross) ? new Big(gross).toFixed(2) : '0.00',
  };
}
