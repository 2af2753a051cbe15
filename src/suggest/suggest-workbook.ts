/**
 * Workbooks: each sheet's header row and kind (invoices, lines, both); an invoices sheet plus a
 * lines sheet become `input.xlsx.sheets` with `per: "join"`, otherwise the best sheet is read alone
 * (with `stopColumn`/`stopWhen` when a totals row ends its data).
 */
import { AgentError } from '../core/errors.ts';
import { findHeaderRow, TOTALS_ROW } from './find-header-row.ts';
import { invoicesOf, suggestFlat, type FlatGuess } from './suggest-flat.ts';
import { sampleSheets } from './sample-xlsx.ts';
import { buildRules, type BuiltRules } from './build-rules.ts';
import type { SuggestFacts } from './suggest-facts.ts';

type Json = Record<string, unknown>;

export async function suggestWorkbook(path: string, facts: SuggestFacts): Promise<{ input: Json; invoices: Json; rules: BuiltRules; flat: FlatGuess }> {
  const sheets = await sampleSheets(path);
  const looked = sheets.map((s) => {
    const headerIdx = findHeaderRow(s.rows);
    const headerCells = s.rows[headerIdx] ?? [];
    const kept = headerCells.map((c, i) => ({ name: c.trim(), i })).filter((c) => c.name !== '');
    let data = s.rows.slice(headerIdx + 1).filter((r) => r.some((c) => c.trim() !== ''));
    let stop: { column: string } | undefined;
    const totalsAt = data.findIndex((r) => kept.some((c) => TOTALS_ROW.test((r[c.i] ?? '').trim())));
    if (totalsAt >= 0) {
      const row = data[totalsAt]!;
      stop = { column: kept.find((c) => TOTALS_ROW.test((row[c.i] ?? '').trim()))!.name };
      data = data.slice(0, totalsAt);
    }
    const table = { headers: kept.map((c) => c.name), rows: data.map((r) => kept.map((c) => r[c.i] ?? '')) };
    const guess = suggestFlat(table);
    const has = (t: string) => guess.guesses.some((g) => g.target === t);
    const lineLike = has('line.quantity') || has('line.unitNetPrice') || has('line.unitGrossPrice') || has('line.vatRate') || guess.unpivot !== undefined;
    // a lines sheet names its invoice's number too: only dates or buyer data make a sheet hold invoices
    const invoiceLike = has('invoice.issueDate') || has('invoice.buyer.name') || has('invoice.buyer.taxId');
    return { sheet: s, headerRow: headerIdx + 1, table, guess, stop, lineLike, invoiceLike, score: guess.guesses.length };
  });
  facts.sheets = looked.map((l) => `"${l.sheet.name}" (${l.lineLike && l.invoiceLike ? 'invoices with lines' : l.lineLike ? 'lines' : l.invoiceLike ? 'invoices' : 'not recognised'}, header row ${l.headerRow})`);
  const heads = looked.filter((l) => l.invoiceLike && !l.lineLike);
  const lineSheets = looked.filter((l) => l.lineLike && !l.invoiceLike);
  const mixed = looked.filter((l) => l.lineLike && l.invoiceLike);
  if (mixed.length === 0 && heads.length === 1 && lineSheets.length >= 1) {
    // master-detail across two sheets (issue 11 vocabulary: sheets + per join)
    const head = heads[0]!;
    const lines = lineSheets[0]!;
    const number = head.guess.guesses.find((g) => g.target === 'invoice.number');
    const numbers = new Set(number?.values ?? []);
    const lineKey = lines.table.headers.find((h, i) => lines.table.rows.length > 0 && lines.table.rows.every((r) => numbers.has(r[i] ?? '')) && i >= 0);
    const guesses = [...head.guess.guesses.filter((g) => g.target.startsWith('invoice.')), ...lines.guess.guesses.filter((g) => g.target.startsWith('line.'))];
    const rules = buildRules(guesses, 'column');
    if (!lineKey) rules.todos.push(`invoices.lineKey: the column of sheet "${lines.sheet.name}" holding the invoice number`);
    if (!number) rules.todos.push(`invoices.key: the column of sheet "${head.sheet.name}" holding the invoice number`);
    facts.sheet = `"${head.sheet.name}" (invoices) + "${lines.sheet.name}" (lines)`;
    facts.headerRow = head.headerRow;
    return {
      input: { format: 'xlsx', xlsx: { sheets: [{ sheet: head.sheet.name, type: 'invoice', headerRow: head.headerRow }, { sheet: lines.sheet.name, type: 'line', headerRow: lines.headerRow }] } },
      invoices: { per: 'join', header: 'invoice', line: 'line', key: { column: number?.name ?? 'TODO_invoice_number' }, lineKey: { column: lineKey ?? 'TODO_invoice_number' } },
      rules,
      flat: lines.guess,
    };
  }
  const best = [...looked].sort((a, b) => b.score - a.score)[0];
  if (!best || best.table.headers.length === 0) throw new AgentError('SUGGEST_NOTHING', 'no sheet of the workbook has a header row with column names', { kind: 'config', where: { file: facts.file } });
  facts.sheet = `"${best.sheet.name}"`;
  facts.headerRow = best.headerRow;
  const xlsx: Json = { sheet: best.sheet.index, headerRow: best.headerRow };
  if (best.stop) {
    xlsx['stopColumn'] = best.stop.column;
    xlsx['stopWhen'] = '^(Razem|Suma|Ogółem|Total)';
    facts.warnings.push(`a totals row ends the data (stopColumn "${best.stop.column}")`);
  }
  return { input: { format: 'xlsx', xlsx }, invoices: invoicesOf(best.guess), rules: buildRules(best.guess.guesses, 'column'), flat: best.guess };
}
