/**
 * JSON.parse with positions: a syntax error names its line and column, and every value's JSON
 * pointer maps to the line and column where it starts (so schema problems can point there too).
 * Mapping files are small; this simple recursive parser is plenty fast for them.
 */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly position: Position) {
    super(message);
  }
}

export interface LocatedJson {
  readonly value: unknown;
  /** JSON pointer ("" for the root, "/invoice/number") → where its value starts */
  readonly positions: ReadonlyMap<string, Position>;
}

export function parseJsonLocated(text: string): LocatedJson {
  const positions = new Map<string, Position>();
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const pos = (at: number): Position => {
    let line = 1, last = -1;
    for (let k = 0; k < at; k++) if (text.charCodeAt(k) === 10) { line++; last = k; }
    return { line, column: at - last };
  };
  const fail = (msg: string, at = i): never => {
    throw new JsonSyntaxError(msg, pos(at));
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const describe = () => (i >= text.length ? 'end of file' : JSON.stringify(text[i]));

  const parseString = (): string => {
    const start = i;
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        try {
          return JSON.parse(text.slice(start, i)) as string;
        } catch {
          return fail('invalid escape in string', start);
        }
      }
      if (c === '\\') i += 2;
      else if (c === '\n') return fail('line break inside a string (missing closing ")');
      else i++;
    }
    return fail('string not closed', start);
  };

  const parseValue = (ptr: string): unknown => {
    ws();
    positions.set(ptr, pos(i));
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') { i++; return out; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe()}`);
        const key = parseString();
        ws();
        if (text[i] !== ':') fail(`expected ":" after property name, found ${describe()}`);
        i++;
        if (Object.prototype.hasOwnProperty.call(out, key)) fail(`duplicate property "${key}"`);
        out[key] = parseValue(`${ptr}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return out; }
        fail(`expected "," or "}", found ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') { i++; return out; }
      for (;;) {
        out.push(parseValue(`${ptr}/${out.length}`));
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return out; }
        fail(`expected "," or "]", found ${describe()}`);
      }
    }
    if (c === '"') return parseString();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) return fail(`unexpected ${describe()}`);
    i += m[0].length;
    return JSON.parse(m[0]);
  };

  const value = parseValue('');
  ws();
  if (i < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);
  return { value, positions };
}
