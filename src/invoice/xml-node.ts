import type { create } from 'xmlbuilder2';

type XMLBuilder = ReturnType<typeof create>;

/**
 * A thin helper over xmlbuilder2 that puts every element in the FA namespace (xmlbuilder2 children
 * do not inherit it) and skips optional elements whose value is absent or blank.
 */
export class FaNode {
  constructor(readonly node: XMLBuilder, readonly ns: string) {}

  /** A child element with children. */
  el(name: string, attrs?: Record<string, string>): FaNode {
    return new FaNode(this.node.ele(this.ns, name, attrs), this.ns);
  }

  /** A required text element. */
  text(name: string, value: string): this {
    this.node.ele(this.ns, name).txt(clean(value));
    return this;
  }

  /** An optional text element: written only when the value is present and not blank. */
  opt(name: string, value: string | undefined | null): this {
    if (value !== undefined && value !== null && clean(value) !== '') this.text(name, value);
    return this;
  }
}

/** XML 1.0 cannot carry C0 control characters other than tab/LF/CR; FA text is one line anyway. */
export function clean(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' ').trim();
}
