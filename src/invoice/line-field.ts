/**
 * The field name of a line's field in messages and reports: lines count from 1 (`lines[1]` is
 * the first line), like rows and line numbers. The one place that says so.
 */
export const lineField = (i: number, name: string): string => `lines[${i + 1}]${name === '' ? '.' : `.${name}`}`;
