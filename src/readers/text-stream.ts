/** Small transformations of decoded text streams (chunks of strings), each in bounded memory. */

/**
 * Drops the first `count` lines and passes the rest through unchanged (chunks, not lines, so a
 * CSV parser downstream still sees quoted line breaks intact).
 */
export async function* skipFirstLines(chunks: AsyncIterable<string>, count: number): AsyncGenerator<string> {
  let toSkip = count;
  for await (const chunk of chunks) {
    if (toSkip === 0) {
      yield chunk;
      continue;
    }
    let start = 0;
    while (toSkip > 0) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      start = nl + 1;
      toSkip--;
    }
    if (toSkip === 0 && start < chunk.length) yield chunk.slice(start);
  }
}

/** CRLF → LF, also across chunk boundaries (a lone CR stays). */
export async function* crlfToLf(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let held = false;
  for await (const chunk of chunks) {
    let text: string = held ? '\r' + chunk : chunk;
    held = text.endsWith('\r');
    if (held) text = text.slice(0, -1);
    text = text.replaceAll('\r\n', '\n');
    if (text) yield text;
  }
  if (held) yield '\r';
}

/**
 * Reads ahead until `minChars` characters or `minLines` line breaks (or the end), and returns that
 * head plus a stream that yields the head first, then the rest.
 */
export async function peekText(
  chunks: AsyncIterable<string>,
  minChars: number,
  minLines: number,
): Promise<{ head: string; all: AsyncIterable<string> }> {
  const it = chunks[Symbol.asyncIterator]();
  let head = '';
  let done = false;
  while (head.length < minChars && (head.match(/\n/g)?.length ?? 0) < minLines) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    head += next.value;
  }
  async function* all(): AsyncGenerator<string> {
    if (head) yield head;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, all: all() };
}
