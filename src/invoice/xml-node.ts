/**
 * The FA document tree and its serialiser. Every element is in the FA namespace, declared once as
 * the default namespace on the root. Optional elements whose value is absent or blank are skipped.
 *
 * Why not xmlbuilder2 here: its namespace-aware serialiser costs 0.5–0.9 ms per invoice (measured:
 * ~1,100 invoices/s pretty-printed, ~1,800/s flat, for a 5-line invoice), more than the official
 * XSD validation of the same document (~2,300/s). DESIGN §7 wants the whole local pipeline at
 * least half as fast as bare XSD validation, so the writer serialises its fixed, namespace-trivial
 * shape itself (~20× faster). The output is checked against the XSD in every writer test.
 */
import { AgentError } from '../core/errors.ts';
import { codePointName, findForbiddenChar } from './forbidden-chars.ts';

interface Element {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>> | undefined;
  readonly children: Element[];
  text: string | undefined;
}

export class FaNode {
  private constructor(private readonly element: Element) {}

  /** The root element (e.g. Faktura) in the given default namespace. */
  static root(name: string, namespace: string): FaNode {
    return new FaNode({ name, attrs: { xmlns: namespace }, children: [], text: undefined });
  }

  /** A child element with children (or with text set by `value`). */
  el(name: string, attrs?: Record<string, string>): FaNode {
    const child: Element = { name, attrs, children: [], text: undefined };
    this.element.children.push(child);
    return new FaNode(child);
  }

  /** Sets this element's own text (for an element with attributes, e.g. KodFormularza). */
  value(text: string): this {
    this.element.text = clean(text, this.element.name);
    return this;
  }

  /** A required text element. */
  text(name: string, value: string): this {
    this.element.children.push({ name, attrs: undefined, children: [], text: clean(value, name) });
    return this;
  }

  /** An optional text element: written only when the value is present and not blank. */
  opt(name: string, value: string | undefined | null): this {
    if (value !== undefined && value !== null && clean(value, name) !== '') this.text(name, value);
    return this;
  }

  /** The document: XML declaration, two-space indentation, LF line ends, UTF-8 without BOM. */
  serialise(): string {
    return write(this.element, '', '<?xml version="1.0" encoding="UTF-8"?>\n');
  }
}

/** Appends the element to `out` (one growing string: cheaper than an array of pieces joined). */
function write(e: Element, indent: string, out: string): string {
  let open = '<' + e.name;
  if (e.attrs) for (const k in e.attrs) open += ` ${k}="${escapeAttr(e.attrs[k]!)}"`;
  if (e.children.length === 0) {
    return out + (e.text === undefined ? `${indent}${open}/>\n` : `${indent}${open}>${escapeText(e.text)}</${e.name}>\n`);
  }
  out += `${indent}${open}>\n`;
  const inner = indent + '  ';
  for (const c of e.children) out = write(c, inner, out);
  return out + `${indent}</${e.name}>\n`;
}

function escapeText(s: string): string {
  return /[&<>]/.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s;
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

/**
 * A text value as written: trimmed. A character KSeF rejects or XML cannot carry is refused, never
 * replaced (a space in place of a NUL changes a legal document silently). Validation reports such
 * characters as data errors (FA_FORBIDDEN_CHAR) before any XML is built, so reaching this throw
 * is a bug: it is an internal error, defence in depth.
 */
export function clean(s: string, element: string): string {
  const bad = findForbiddenChar(s);
  if (bad) {
    throw new AgentError('FA_XML_FORBIDDEN_CHAR', `internal error: the FA XML element ${element} would contain ${codePointName(bad.codePoint)} at position ${bad.index + 1}; validation should have refused it`, {
      kind: 'internal',
      where: { field: element, value: s },
    });
  }
  return s.trim();
}
