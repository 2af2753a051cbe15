/**
 * What an invoice export never needs and the XML reader therefore refuses before parsing: a
 * DOCTYPE (internal subset or external DTD: entity bombs, XXE, content that depends on a file
 * elsewhere) and any entity reference other than the five XML predefines and character references
 * to characters XML allows. Without a DTD such a reference cannot be expanded, and a parser that
 * leaves it as text would put "&lol9;" into a legal document.
 * One pass over the decoded text; comments, CDATA sections and processing instructions are
 * skipped, because "&" and "<!DOCTYPE" mean nothing there.
 */

export interface XmlMarkupProblem {
  readonly kind: 'doctype' | 'entity' | 'char-ref';
  /** the offending text: "<!DOCTYPE", "&foo;", "&#0;" */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

const PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
/** a reference as XML writes it; anything else after "&" the well-formedness check reports */
const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_:][\w.:-]*);/y;

/** XML 1.0 Char: what a character reference may name. */
export function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

export function charRefCodePoint(body: string): number {
  return body.startsWith('#x') ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
}

function position(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

/** The first DOCTYPE or unacceptable reference in the document, or undefined. */
export function findXmlMarkupProblem(text: string): XmlMarkupProblem | undefined {
  const problem = (kind: XmlMarkupProblem['kind'], at: number, found: string): XmlMarkupProblem => ({ kind, text: found, ...position(text, at) });
  const find = (s: string, from: number): number => {
    const i = text.indexOf(s, from);
    return i < 0 ? Infinity : i;
  };
  const skip = (end: string, from: number): number => {
    const i = text.indexOf(end, from);
    return i < 0 ? text.length : i + end.length;
  };
  let pos = 0;
  // the next '<' and '&' are searched for again only once passed: searching both at every step would be quadratic
  let lt = -1;
  let amp = -1;
  for (;;) {
    if (lt < pos) lt = find('<', pos);
    if (amp < pos) amp = find('&', pos);
    if (amp < lt) {
      REFERENCE.lastIndex = amp;
      const m = REFERENCE.exec(text);
      if (m) {
        const body = m[1]!;
        if (body.startsWith('#')) {
          if (!isXmlChar(charRefCodePoint(body))) return problem('char-ref', amp, m[0]);
        } else if (!PREDEFINED.has(body)) return problem('entity', amp, m[0]);
        pos = amp + m[0].length;
      } else pos = amp + 1;
    } else if (lt === Infinity) return undefined;
    else if (text.startsWith('<!--', lt)) pos = skip('-->', lt + 4);
    else if (text.startsWith('<![CDATA[', lt)) pos = skip(']]>', lt + 9);
    else if (text.startsWith('<?', lt)) pos = skip('?>', lt + 2);
    else if (text.startsWith('<!DOCTYPE', lt)) return problem('doctype', lt, '<!DOCTYPE');
    else pos = lt + 1;
  }
}
