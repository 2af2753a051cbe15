/**
 * The line where each element at `path` starts, in document order. fast-xml-parser keeps no
 * positions, so this is a small scan over the (already validated) text: tags, comments, CDATA,
 * processing instructions and DOCTYPE are told apart, quoted attribute values are skipped, and
 * namespace prefixes are dropped as the parser does.
 */
export function xmlElementLines(text: string, path: readonly string[]): number[] {
  const lines: number[] = [];
  const stack: string[] = [];
  let line = 1;
  let pos = 0;
  const advance = (to: number): void => {
    for (let i = text.indexOf('\n', pos); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) line++;
    pos = to;
  };
  const skipPast = (marker: string, from: number): void => {
    const end = text.indexOf(marker, from);
    advance(end < 0 ? text.length : end + marker.length);
  };
  for (;;) {
    const lt = text.indexOf('<', pos);
    if (lt < 0) break;
    advance(lt);
    if (text.startsWith('<!--', lt)) skipPast('-->', lt + 4);
    else if (text.startsWith('<![CDATA[', lt)) skipPast(']]>', lt + 9);
    else if (text.startsWith('<?', lt)) skipPast('?>', lt + 2);
    else if (text.startsWith('<!', lt)) skipPast('>', lt + 2);
    else if (text.startsWith('</', lt)) {
      stack.pop();
      skipPast('>', lt + 2);
    } else {
      const m = /^<([^\s/>]+)/.exec(text.slice(lt, lt + 256));
      const name = (m?.[1] ?? '').replace(/^[^:]*:/, '');
      const startLine = line;
      // find the end of the tag, skipping quoted attribute values that may contain '>'
      let i = lt + 1;
      let quote = '';
      for (; i < text.length; i++) {
        const c = text[i];
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
      }
      const selfClosing = text[i - 1] === '/';
      stack.push(name);
      if (stack.length === path.length && stack.every((s, k) => s === path[k])) lines.push(startLine);
      if (selfClosing) stack.pop();
      advance(Math.min(i + 1, text.length));
    }
  }
  return lines;
}
