/** One physical line of decoded text, without its line break. */
export interface TextLine {
  readonly text: string;
  /** 1-based */
  readonly line: number;
}

/**
 * Splits a stream of text chunks into lines (LF or CRLF), keeping only the unfinished line in
 * memory. A final line without a line break counts; an empty final "line" after the last break
 * does not. `tooLong(line)` is thrown as soon as an unfinished line grows past `maxChars`, so a
 * file without line breaks is never held whole.
 */
export async function* splitLines(chunks: AsyncIterable<string>, maxChars = Infinity, tooLong: (line: number) => Error = (line) => new Error(`line ${line} is too long`)): AsyncGenerator<TextLine> {
  let pending = '';
  let line = 0;
  for await (const chunk of chunks) {
    let text = pending + chunk;
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl >= 0) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end - start > maxChars) throw tooLong(line + 1);
      yield { text: text.slice(start, end), line: ++line };
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    pending = text.slice(start);
    text = '';
    if (pending.length > maxChars + 1) throw tooLong(line + 1);
  }
  if (pending.length > 0) {
    const last = pending.endsWith('\r') ? pending.slice(0, -1) : pending;
    if (last.length > maxChars) throw tooLong(line + 1);
    yield { text: last, line: ++line };
  }
}
