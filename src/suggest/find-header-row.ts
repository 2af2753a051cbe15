/**
 * The header row of a table: the first row of mostly non-numeric, distinct texts that is about
 * as wide as the data below it (title rows above it have one or two cells). -1 when the first
 * rows already look like data (no header).
 */
import { isNumberLike, datePattern } from './value-shapes.ts';

const filledCells = (row: readonly string[]): string[] => row.map((c) => c.trim()).filter((c) => c !== '');

export function findHeaderRow(rows: readonly (readonly string[])[]): number {
  const head = rows.slice(0, 40);
  const widest = Math.max(0, ...head.map((r) => filledCells(r).length));
  for (let i = 0; i < head.length; i++) {
    const cells = filledCells(head[i]!);
    if (cells.length < 2 || cells.length < widest * 0.6) continue;
    const texts = cells.filter((c) => !isNumberLike(c) && datePattern([c]) === undefined);
    if (texts.length < cells.length * 0.8) return -1; // data before any header
    if (new Set(cells).size !== cells.length) continue;
    const next = head.slice(i + 1).find((r) => filledCells(r).length > 0);
    if (next && filledCells(next).length < cells.length * 0.5) continue;
    return i;
  }
  return -1;
}

/** The data rows under the header up to a totals row ("Razem", "Suma", "Total" in its first filled cell). */
export const TOTALS_ROW = /^(razem|suma|ogółem|ogolem|total|totals)\b/i;
