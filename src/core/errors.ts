/**
 * AgentError: every failure the agent reports has a stable `code` (callers match on it, never on
 * the message), a human message, a kind that decides what happens next, and `where` it happened.
 *
 * Kinds:
 * - `data`: the input is wrong; the file goes to errors/ with a report.
 * - `config`: a configuration or mapping file is wrong; reported before anything starts.
 * - `transient`: retried with backoff (network, 5xx, 429, outage).
 * - `internal`: a bug; logged loudly, never swallowed.
 */
export type ErrorKind = 'data' | 'config' | 'transient' | 'internal';

/** Where a problem is: any subset of these, as precise as the stage can tell. */
export interface Where {
  readonly file?: string;
  readonly sheet?: string;
  /** 1-based data row (CSV/XLSX) */
  readonly row?: number;
  /** 1-based physical line (CSV, fixed-width, XML, JSON) */
  readonly line?: number;
  /** 1-based column (fixed-width position or CSV column number) */
  readonly column?: number;
  /** spreadsheet cell, e.g. `B7`; for a line's field in a file without cells (CSV), the column's name */
  readonly cell?: string;
  /** record path inside XML/JSON, e.g. `/Invoices/Invoice[3]/Lines/Line[2]` */
  readonly path?: string;
  /** canonical field, e.g. `buyer.nip` or `lines[2].quantity` (indexes count from 1: the second line) */
  readonly field?: string;
  /** offending value, as read (never a secret) */
  readonly value?: string;
  /** mapping file and JSON path of the rule, e.g. `mappings/optima.json#/fields/issueDate` */
  readonly mapping?: string;
  /** invoice number, when known */
  readonly invoice?: string;
}

export class AgentError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly where: Where;
  /** the rule that was broken, in words, e.g. "date pattern dd.MM.yyyy" */
  readonly rule?: string;
  readonly details?: readonly string[];

  constructor(
    code: string,
    message: string,
    opts: { kind?: ErrorKind; where?: Where; rule?: string; details?: readonly string[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AgentError';
    this.code = code;
    this.kind = opts.kind ?? 'data';
    this.where = opts.where ?? {};
    if (opts.rule !== undefined) this.rule = opts.rule;
    if (opts.details !== undefined) this.details = opts.details;
  }

  /** A copy with more location facts (later stages add file, invoice, ...). */
  at(where: Where): AgentError {
    const e = new AgentError(this.code, this.message, {
      kind: this.kind,
      where: { ...where, ...this.where },
      ...(this.rule !== undefined ? { rule: this.rule } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
      cause: this.cause,
    });
    e.stack = this.stack;
    return e;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, kind: this.kind, message: this.message, where: this.where, rule: this.rule, details: this.details };
  }
}

export const isAgentError = (e: unknown): e is AgentError => e instanceof AgentError;

/** One line a person can read: `file.csv row 7, field issueDate, value "31.02.2026": not a date (rule: dd.MM.yyyy) [MAP_DATE]` */
export function describeError(e: AgentError): string {
  const w = e.where;
  const parts: string[] = [];
  if (w.file) parts.push(w.file);
  if (w.sheet) parts.push(`sheet ${w.sheet}`);
  if (w.cell) parts.push(`cell ${w.cell}`);
  if (w.row !== undefined) parts.push(`row ${w.row}`);
  if (w.line !== undefined) parts.push(`line ${w.line}`);
  if (w.column !== undefined) parts.push(`column ${w.column}`);
  if (w.path) parts.push(`at ${w.path}`);
  if (w.invoice) parts.push(`invoice ${w.invoice}`);
  if (w.field) parts.push(`field ${w.field}`);
  if (w.value !== undefined) parts.push(`value ${JSON.stringify(w.value)}`);
  const head = parts.join(', ');
  const rule = e.rule ? ` (rule: ${e.rule})` : '';
  const map = w.mapping ? ` [mapping ${w.mapping}]` : '';
  return `${head ? head + ': ' : ''}${e.message}${rule}${map} [${e.code}]`;
}
