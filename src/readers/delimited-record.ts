/**
 * Splits delimited, quoted records fed one physical line at a time (section files such as
 * EDI++). A quoted value may hold the delimiter, a doubled quote ("" is one ") and line breaks:
 * `push` then asks for the next line and keeps what it has, so nothing is parsed twice.
 * Unquoted values are taken exactly as written (numbers stay text).
 */

export type PushResult =
  | { readonly kind: 'record'; readonly fields: string[] }
  /** the line ended inside a quoted value: push the next line */
  | { readonly kind: 'more' }
  /** text after a closing quote: `field` is 1-based, `column` 1-based on the pushed line */
  | { readonly kind: 'junk'; readonly field: number; readonly column: number; readonly text: string };

export class DelimitedRecord {
  private fields: string[] = [];
  private cur = '';
  private inQuote = false;
  /** characters of the record so far (line breaks included), for the record length limit */
  length = 0;

  constructor(
    private readonly delimiter: string,
    private readonly quote: string,
  ) {}

  /** true while a quoted value continues on the next line */
  get open(): boolean {
    return this.inQuote;
  }

  push(line: string): PushResult {
    const d = this.delimiter;
    const q = this.quote;
    this.length += line.length + (this.inQuote ? 1 : 0);
    let i = 0;
    if (this.inQuote) this.cur += '\n';
    for (;;) {
      if (!this.inQuote) {
        // at the start of a field
        if (q !== '' && line.startsWith(q, i)) {
          this.inQuote = true;
          i += q.length;
        } else {
          const end = line.indexOf(d, i);
          if (end < 0) {
            this.fields.push(line.slice(i));
            return this.done();
          }
          this.fields.push(line.slice(i, end));
          i = end + d.length;
          continue;
        }
      }
      // inside a quoted value
      const at = line.indexOf(q, i);
      if (at < 0) {
        this.cur += line.slice(i);
        return { kind: 'more' };
      }
      this.cur += line.slice(i, at);
      if (line.startsWith(q, at + q.length)) {
        this.cur += q;
        i = at + 2 * q.length;
        continue;
      }
      this.inQuote = false;
      i = at + q.length;
      this.fields.push(this.cur);
      this.cur = '';
      if (i >= line.length) return this.done();
      if (!line.startsWith(d, i)) {
        const end = line.indexOf(d, i);
        const junk: PushResult = { kind: 'junk', field: this.fields.length, column: i + 1, text: line.slice(i, end < 0 ? undefined : end) };
        this.done();
        return junk;
      }
      i += d.length;
    }
  }

  private done(): PushResult {
    const fields = this.fields;
    this.fields = [];
    this.cur = '';
    this.length = 0;
    return { kind: 'record', fields };
  }
}
