import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AgentError } from '../core/errors.ts';

/** A parsed FA invoice: element names without namespace prefixes, every element an array, text as strings. */
export type FaNode = { readonly [name: string]: readonly (FaNode | string)[] | string };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: '#text',
  // every element repeats as far as paths are concerned; attributes do not
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** The `<Faktura>` element of an FA XML (FA(2) or FA(3)). */
export function parseFa(xml: Buffer | string, ksefNumber?: string): FaNode {
  const text = typeof xml === 'string' ? xml : xml.toString('utf8');
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new AgentError('PURCHASE_XML_INVALID', `purchase invoice ${ksefNumber ?? ''} is not well-formed XML: ${valid.err.msg}`.replace('  ', ' '), { where: { line: valid.err.line, ...(ksefNumber ? { invoice: ksefNumber } : {}) } });
  }
  const doc = parser.parse(text) as Record<string, unknown>;
  const root = (doc['Faktura'] as FaNode[] | undefined)?.[0];
  if (!root || typeof root !== 'object') {
    throw new AgentError('PURCHASE_XML_INVALID', `purchase invoice ${ksefNumber ?? ''} has no <Faktura> root element`.replace('  ', ' '), { where: ksefNumber ? { invoice: ksefNumber } : {} });
  }
  return root;
}

/** Every text value at a slash path (`Fa/FaWiersz/P_7`, `Naglowek/KodFormularza/@kodSystemowy`). */
export function valuesAt(root: FaNode, path: string): string[] {
  let nodes: Array<FaNode | string> = [root];
  for (const step of path.split('/').filter(Boolean)) {
    const next: Array<FaNode | string> = [];
    for (const n of nodes) {
      if (typeof n === 'string') continue;
      const v = n[step];
      if (v === undefined) continue;
      if (Array.isArray(v)) next.push(...(v as Array<FaNode | string>));
      else next.push(v as string);
    }
    nodes = next;
  }
  return nodes.map((n) => (typeof n === 'string' ? n : typeof n['#text'] === 'string' ? (n['#text'] as string) : Array.isArray(n['#text']) ? String((n['#text'] as unknown[])[0]) : '')).filter((s) => s !== '');
}

/** The tree as JSONata expressions see it: an element that occurs once is a value, not a one-item list. */
export function naturalTree(node: FaNode | string): unknown {
  if (typeof node === 'string') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (Array.isArray(v)) out[k] = v.length === 1 ? naturalTree(v[0] as FaNode | string) : v.map((x) => naturalTree(x as FaNode | string));
    else out[k] = v;
  }
  return out;
}
