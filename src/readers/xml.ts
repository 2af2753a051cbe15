/**
 * XML reader: the whole (decoded) document through fast-xml-parser with every value kept as text
 * ("006" stays "006"), attributes as `@name`, namespace prefixes removed, configured elements
 * always arrays. One record per element at `recordPath`.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AgentError } from '../core/errors.ts';
import type { SourceRecord, SourceValue } from '../core/records.ts';
import type { Reader, OptionsOf } from './registry.ts';
import { decodeFileToString } from './decode.ts';
import { xmlElementLines } from './xml-element-lines.ts';
import { findXmlMarkupProblem } from './xml-markup-guard.ts';
import { xmlEntityDecoder } from './xml-entity-decoder.ts';

type XmlInput = OptionsOf<'xml'>;
type XmlObject = { [key: string]: SourceValue };

export function recordPathSegments(recordPath: string): string[] {
  return recordPath
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replace(/^[^:]*:/, ''));
}

function parser(segments: readonly string[], arrays: readonly string[]): XMLParser {
  const recordJpath = segments.join('.');
  const always = new Set(arrays);
  return new XMLParser({
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    removeNSPrefix: true,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    entityDecoder: xmlEntityDecoder,
    isArray: (name, jpath, _isLeaf, isAttr) => !isAttr && (always.has(name) || jpath === recordJpath),
  });
}

interface Found {
  readonly value: SourceValue;
  readonly path: string;
}

/** Walks the parsed tree along the segments; arrays on the way are expanded in document order. */
function findRecords(root: XmlObject, segments: readonly string[]): Found[] {
  let level: { value: SourceValue; path: string }[] = [{ value: root, path: '' }];
  segments.forEach((seg, depth) => {
    const next: Found[] = [];
    const last = depth === segments.length - 1;
    for (const { value, path } of level) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      const child = (value as XmlObject)[seg];
      if (child === undefined) continue;
      if (Array.isArray(child)) child.forEach((c, i) => next.push({ value: c, path: `${path}/${seg}[${i + 1}]` }));
      else next.push({ value: child, path: last ? `${path}/${seg}[1]` : `${path}/${seg}` });
    }
    level = next;
  });
  return level;
}

/** DOCTYPEs and references the reader cannot expand are data errors, never text in an invoice. */
function refuseDtdAndEntities(text: string, displayName: string): void {
  const p = findXmlMarkupProblem(text);
  if (!p) return;
  const where = { file: displayName, line: p.line, column: p.column };
  if (p.kind === 'doctype') {
    throw new AgentError('READ_XML_DOCTYPE', `the XML has a DOCTYPE (a DTD) at line ${p.line}`, {
      where,
      rule: 'DTDs and entity declarations are not accepted: for security (entity bombs, external entities reading local files) and so that the invoice content is exactly the text in the file; export the XML without a DOCTYPE',
    });
  }
  throw new AgentError('READ_XML_ENTITY', p.kind === 'entity' ? `the XML uses the entity reference ${p.text} at line ${p.line}, which is not defined` : `the XML has the character reference ${p.text} at line ${p.line} to a character XML does not allow`, {
    where: { ...where, value: p.text },
    rule: 'only &amp; &lt; &gt; &quot; &apos; and character references such as &#379; are accepted; an undefined entity would end up in the invoice as literal text',
  });
}

async function* readXml(path: string, input: XmlInput, displayName: string): AsyncGenerator<SourceRecord> {
  const text = await decodeFileToString(path, { decode: input.decode, displayName, xml: true });
  refuseDtdAndEntities(text, displayName);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    throw new AgentError('READ_XML_MALFORMED', `the XML is not well-formed: ${msg}`, {
      where: { file: displayName, line, column: col },
      details: [valid.err.code],
    });
  }
  const segments = recordPathSegments(input.xml.recordPath);
  let root: XmlObject;
  try {
    root = parser(segments, input.xml.arrays ?? []).parse(text) as XmlObject;
  } catch (e) {
    // fast-xml-parser refuses elements nested deeper than 100 (its maxNestedTags), before memory or the stack suffer
    if (e instanceof Error && /nested tags/i.test(e.message)) {
      throw new AgentError('READ_XML_TOO_DEEP', 'the XML nests elements more than 100 levels deep', { where: { file: displayName }, rule: 'at most 100 nested elements' });
    }
    // every reader failure is a data error naming the file, whatever the parser's wording
    throw new AgentError('READ_XML_MALFORMED', `the XML cannot be read: ${e instanceof Error ? e.message : String(e)}`, { where: { file: displayName }, cause: e });
  }
  const found = findRecords(root, segments);
  if (found.length === 0) {
    const rootName = Object.keys(root)[0];
    throw new AgentError('READ_XML_NO_RECORDS', `no element at ${input.xml.recordPath}${rootName ? ` (the root element is <${rootName}>)` : ''}`, {
      where: { file: displayName, path: input.xml.recordPath },
      rule: 'recordPath is the slash path from the root to each record element, without namespace prefixes',
    });
  }
  const lines = xmlElementLines(text, segments);
  const withLines = lines.length === found.length;
  for (let i = 0; i < found.length; i++) {
    const { value, path: p } = found[i]!;
    const values: XmlObject = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as XmlObject) : { '#text': value };
    yield { values, where: { file: displayName, path: p, ...(withLines ? { line: lines[i]! } : {}) } };
  }
}

export const xmlReader: Reader<XmlInput> = {
  read: (path, options, displayName) => readXml(path, options, displayName),
};
