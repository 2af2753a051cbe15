import { XMLParser } from 'fast-xml-parser';

/** One field whose value differs between two FA documents of the same invoice number. */
export interface FaDifference {
  /** element path, e.g. `Fa/FaWiersz[1]/P_9A` */
  readonly path: string;
  /** in words, e.g. `line 1 unit net price (P_9A)` */
  readonly label: string;
  /** absent when the element is only in the other document */
  readonly before?: string;
  readonly after?: string;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, removeNSPrefix: true, processEntities: true });

/** Where a value is said to differ; the creation time differs always and says nothing. */
const IGNORED = new Set(['Naglowek/DataWytworzeniaFa']);

const FIELD_NAMES: Readonly<Record<string, string>> = {
  KodWaluty: 'currency', P_1: 'issue date', P_1M: 'place of issue', P_2: 'number', P_6: 'sale date', P_6_Od: 'sale period from', P_6_Do: 'sale period to',
  P_15: 'gross total', RodzajFaktury: 'invoice kind', KursWalutyZ: 'exchange rate',
  P_13_1: 'net total at 23/22 %', P_14_1: 'VAT at 23/22 %', P_13_2: 'net total at 8/7 %', P_14_2: 'VAT at 8/7 %', P_13_3: 'net total at 5 %', P_14_3: 'VAT at 5 %',
  P_13_4: 'net total at 4/3 %', P_14_4: 'VAT at 4/3 %', P_13_5: 'net total (special procedure)', P_13_6_1: 'net total at 0 %', P_13_6_2: 'net total at 0 % WDT',
  P_13_6_3: 'net total at 0 % export', P_13_7: 'net total exempt (zw)', P_13_8: 'net total outside Poland (np)', P_13_9: 'net total np (art. 100)', P_13_10: 'net total reverse charge (oo)',
  P_7: 'description', P_8A: 'unit', P_8B: 'quantity', P_9A: 'unit net price', P_9B: 'unit gross price', P_10: 'discount', P_11: 'net value', P_11A: 'gross value', P_12: 'VAT rate',
  NrWierszaFa: 'line number', P_6A: 'sale date', Indeks: 'SKU', GTU: 'GTU', PKWiU: 'PKWiU', CN: 'CN',
  NIP: 'NIP', Nazwa: 'name', AdresL1: 'address', AdresL2: 'address line 2', KodKraju: 'country', NrVatUE: 'EU VAT number', NrID: 'tax id', Termin: 'payment due date',
  FormaPlatnosci: 'payment method', NrRB: 'bank account',
  JST: 'local-government unit flag', GV: 'VAT-group member flag', Rola: 'role', KursWaluty: 'exchange rate',
  P_14_1W: 'VAT at 23/22 % in PLN', P_14_2W: 'VAT at 8/7 % in PLN', P_14_3W: 'VAT at 5 % in PLN', P_14_4W: 'VAT at 4/3 % in PLN',
  ZNaglowek: 'attachment heading', Akapit: 'attachment paragraph', WKom: 'attachment table cell',
};

/** Readable name of an element path: `Fa/FaWiersz[2]/P_11` → `line 2 net value (P_11)`. */
export function labelOf(path: string): string {
  const parts = path.split('/');
  const leaf = parts[parts.length - 1]!.replace(/\[\d+\]$/, '');
  const name = FIELD_NAMES[leaf];
  const line = /FaWiersz\[(\d+)\]/.exec(path) ?? /ZamowienieWiersz\[(\d+)\]/.exec(path);
  const who = path.startsWith('Podmiot1/') ? 'seller ' : path.startsWith('Podmiot2/') ? 'buyer ' : path.startsWith('Podmiot3') ? 'third party ' : line ? `line ${line[1]} ` : '';
  return name ? `${who}${name} (${leaf})` : path;
}

function flatten(node: unknown, path: string, out: Map<string, string>): void {
  if (node === null || node === undefined) return;
  if (typeof node !== 'object') {
    if (!IGNORED.has(path)) out.set(path, String(node));
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((v, i) => flatten(v, `${path}[${i + 1}]`, out));
    return;
  }
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k.startsWith('?')) continue;
    // a repeated element is an array; a single one is indexed [1] too when it is a line, so both sides agree
    const key = path ? `${path}/${k}` : k;
    if (!Array.isArray(v) && (k === 'FaWiersz' || k === 'ZamowienieWiersz')) flatten([v], key, out);
    else flatten(v, key, out);
  }
}

function fields(xml: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const doc = parser.parse(Buffer.from(xml).toString('utf8')) as Record<string, unknown>;
  flatten(doc['Faktura'], '', out);
  return out;
}

const lineCount = (m: Map<string, string>): number => {
  let n = 0;
  for (const k of m.keys()) {
    const x = /^Fa\/FaWiersz\[(\d+)\]/.exec(k);
    if (x) n = Math.max(n, Number(x[1]));
  }
  return n;
};

/**
 * The fields in which two FA documents differ, in document order of the later one (then what
 * only the earlier one has), with the number of lines first when it changed.
 */
export function diffFa(before: Uint8Array, after: Uint8Array): FaDifference[] {
  const a = fields(before);
  const b = fields(after);
  const out: FaDifference[] = [];
  const [la, lb] = [lineCount(a), lineCount(b)];
  if (la !== lb) out.push({ path: 'Fa/FaWiersz', label: 'number of lines', before: String(la), after: String(lb) });
  for (const [path, v] of b) {
    const old = a.get(path);
    if (old !== v) out.push({ path, label: labelOf(path), ...(old !== undefined ? { before: old } : {}), after: v });
  }
  for (const [path, old] of a) if (!b.has(path)) out.push({ path, label: labelOf(path), before: old });
  return out;
}

/** `label: before → after`, `(none)` for a side without the field. */
export const describeDifference = (d: FaDifference): string => `${d.label}: ${d.before ?? '(none)'} → ${d.after ?? '(none)'}`;
