import type { Scope } from './scope.ts';

/** Variables every JSONata expression can use. */
export function expressionBindings(scope: Scope): Record<string, unknown> {
  const byType: Record<string, unknown> = {};
  for (const [t, r] of scope.byType) byType[t] = r.values;
  return {
    invoice: scope.invoice.values,
    line: scope.line?.values,
    lines: scope.lines.map((l) => l.values),
    records: scope.records.map((r) => r.values),
    types: byType,
    file: scope.file,
    today: scope.today,
    company: scope.company,
  };
}
