/** One physical line of decoded text, without its line break. */
export interface TextLine {
  readonly text: string;
  /** 1-based */
  readonly line: number;
}

/**
 * Splits a stream of text chunks into lines (LF or CRLF), keeping only the unfinished line in
 * memory. A final line without a line break counts; an empty final "line" after the last break
 * does not.
 */
export async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<TextLine> {
  let pending = '';
  let line = 0;
  for await (const chunk of chunks) {
    let text = pending + chunk;
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl >= 0) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { text: text.slice(start, end), line: ++line };
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    pending = text.slice(start);
    text = '';
  }
  if (pending.length > 0) yield { text: pending.endsWith('\r') ? pending.slice(0, -1) : pending, line: ++line };
}
