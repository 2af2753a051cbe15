/**
 * Strict JSON parsing with positions, on top of jsonc-parser (VS Code's JSON scanner): a syntax
 * error names its line and column in words an ERP admin can act on, every value can report where
 * it starts, and numbers can be kept as the text they were written as ("1234.10" stays "1234.10",
 * 12345678901234567890 loses nothing). JSON.parse on Node 20 can do none of this (no reviver
 * `context.source`, messages with at most an offset). Used by the config loader, the mapping
 * loader and the JSON reader.
 */
import { printParseErrorCode, visit } from 'jsonc-parser';

/** 1-based line and column */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

export class JsonTextError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, at: TextPosition) {
    super(message);
    this.name = 'JsonTextError';
    this.line = at.line;
    this.column = at.column;
  }
}

export type JsonPath = readonly (string | number)[];

export interface JsonTextOptions {
  /**
   * `native` (default): numbers and booleans as JSON.parse gives them. `text`: numbers as their
   * literal text and booleans as "true"/"false", so input data is never rounded.
   */
  readonly scalars?: 'native' | 'text';
  /** `last` (default) keeps the last value, as JSON.parse does; `error` rejects a repeated key */
  readonly duplicateKeys?: 'last' | 'error';
  /** Called where each value starts. `path` is reused while parsing: copy it to keep it. */
  readonly onValue?: (path: JsonPath, at: TextPosition) => void;
}

const MAX_DEPTH = 500;
const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false } as const;
const CONTROL_IN_STRING = 'a line break or control character inside a string (it must be escaped)';

type Container = Record<string, unknown> | unknown[];
interface Frame {
  readonly value: Container;
  key: string;
}
/** what the parser expects next; it words the message when something else comes */
type Expect = 'value' | 'key' | 'colon' | 'after';

/** 1-based position of an offset; a line ends at \n, \r\n or a lone \r, as the scanner counts */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` is data in a JSON file, never the object's prototype
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Parses strict JSON (no comments, no trailing commas, a leading BOM ignored); throws JsonTextError. */
export function parseJsonText(source: string, options: JsonTextOptions = {}): unknown {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const asText = options.scalars === 'text';
  const rejectDuplicates = options.duplicateKeys === 'error';
  const onValue = options.onValue;
  const stack: Frame[] = [];
  const path: (string | number)[] = [];
  let root: unknown;
  let expect: Expect = 'value';

  const fail = (message: string, offset: number): never => {
    throw new JsonTextError(message, positionAt(text, offset));
  };
  const found = (offset: number): string => (offset >= text.length ? 'the end of the file' : `"${String.fromCodePoint(text.codePointAt(offset)!)}"`);
  const unexpected = (offset: number): never => {
    const top = stack[stack.length - 1];
    switch (expect) {
      case 'key':
        return fail(`expected a property name in double quotes, found ${found(offset)}`, offset);
      case 'colon':
        return fail(`expected ":" after property name "${top!.key}", found ${found(offset)}`, offset);
      case 'after':
        if (!top) return fail(`unexpected ${found(offset)} after the end of the JSON value`, offset);
        return fail(Array.isArray(top.value) ? `expected "," or "]" after an array element, found ${found(offset)}` : `expected "," or "}" after a property value, found ${found(offset)}`, offset);
      default:
        return fail(`unexpected ${found(offset)}`, offset);
    }
  };
  /** the offset of the first match of `bad` inside the token, for messages about a string's content */
  const within = (offset: number, length: number, bad: RegExp): number => {
    const m = bad.exec(text.slice(offset, offset + length));
    return m ? offset + m.index : offset;
  };

  const enter = (line: number, character: number): void => {
    const top = stack[stack.length - 1];
    if (top) path.push(Array.isArray(top.value) ? top.value.length : top.key);
    onValue?.(path, { line: line + 1, column: character + 1 });
  };
  const place = (value: unknown): void => {
    const top = stack[stack.length - 1];
    if (!top) root = value;
    else if (Array.isArray(top.value)) top.value.push(value);
    else setKey(top.value, top.key, value);
  };
  const leave = (): void => {
    if (stack.length > 0) path.pop();
    expect = 'after';
  };
  const open = (value: Container, offset: number, line: number, character: number): void => {
    if (stack.length >= MAX_DEPTH) fail('nested too deeply', offset);
    enter(line, character);
    place(value);
    stack.push({ value, key: '' });
    expect = Array.isArray(value) ? 'value' : 'key';
  };
  const close = (offset: number): void => {
    // jsonc-parser ends a container at the end of the file before it reports the missing bracket
    if (offset >= text.length) unexpected(offset);
    stack.pop();
    leave();
  };

  visit(
    text,
    {
      onObjectBegin: (offset, _length, line, character) => open({}, offset, line, character),
      onArrayBegin: (offset, _length, line, character) => open([], offset, line, character),
      onObjectEnd: (offset) => close(offset),
      onArrayEnd: (offset) => close(offset),
      onObjectProperty: (name, offset) => {
        const top = stack[stack.length - 1]!;
        if (rejectDuplicates && Object.prototype.hasOwnProperty.call(top.value, name)) fail(`duplicate property "${name}"`, offset);
        top.key = name;
        expect = 'colon';
      },
      onSeparator: (character) => {
        const top = stack[stack.length - 1];
        expect = character === ':' ? 'value' : top && !Array.isArray(top.value) ? 'key' : 'value';
      },
      onLiteralValue: (value: unknown, offset, length, line, character) => {
        enter(line, character);
        place(asText && typeof value === 'number' ? text.slice(offset, offset + length) : asText && typeof value === 'boolean' ? String(value) : value);
        leave();
      },
      onError: (code, offset, length) => {
        switch (printParseErrorCode(code)) {
          case 'UnexpectedEndOfString':
            // the scanner stops before the line break, or at the end of the file
            return offset + length >= text.length ? fail('unterminated string', text.length) : fail(CONTROL_IN_STRING, offset + length);
          case 'InvalidCharacter':
            return fail(CONTROL_IN_STRING, within(offset, length, /[\u0000-\u001f]/));
          case 'InvalidUnicode':
            return fail('invalid \\u escape in a string', within(offset, length, /\\u(?![0-9a-fA-F]{4})/));
          case 'InvalidEscapeCharacter': {
            const at = within(offset, length, /\\[^"\\/bfnrtu]/);
            return fail(`invalid escape "\\${text[at + 1] ?? ''}" in a string`, at);
          }
          case 'UnexpectedEndOfNumber':
          case 'InvalidNumberFormat':
            return fail(`invalid number "${text.slice(offset, offset + length)}"`, offset);
          case 'InvalidCommentToken':
            return fail('comments are not allowed in JSON', offset);
          default:
            return unexpected(offset);
        }
      },
    },
    STRICT,
  );
  return root;
}
