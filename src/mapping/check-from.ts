import { configError, type CompileCtx } from './compile-ctx.ts';

/** `from` must name the invoice record, the line record (line rules only) or a declared record type. */
export function checkFrom(ctx: CompileCtx, from: string, ptr: string): void {
  if (from === 'invoice' || (from === 'line' && ctx.section === 'line')) return;
  if (ctx.recordTypes.has(from)) return;
  const allowed = ['invoice', ...(ctx.section === 'line' ? ['line'] : []), ...ctx.recordTypes];
  ctx.errors.push(
    configError(ctx, 'MAP_UNKNOWN_RECORD_TYPE', ptr, `"${from}" is not a record this rule can read; use one of: ${allowed.join(', ')}`, {
      value: from,
      rule: 'from: invoice, line, or a record type listed in invoices.header/line/other',
    }),
  );
}
