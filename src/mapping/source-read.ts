/** Reading the raw text a rule or condition names (column or path) out of the right record. */
import { AgentError, type Where } from '../core/errors.ts';
import { provenanceWhere, type Provenance } from '../core/records.ts';
import { parsePath, toScalar, walkPath, type PathStep } from './record-path.ts';
import { pickRecord, type Rec, type Scope } from './scope.ts';

export type Reader = { readonly column: string } | { readonly path: readonly PathStep[]; readonly text: string };

export interface ReadResult {
  readonly text: string | undefined;
  readonly rec: Rec | undefined;
  readonly error?: AgentError;
}

export function makeReader(column: string | undefined, path: string | undefined): Reader | 'bad-path' | undefined {
  if (column !== undefined) return { column };
  if (path !== undefined) {
    const steps = parsePath(path);
    return steps ? { path: steps, text: path } : 'bad-path';
  }
  return undefined;
}

export function readSource(scope: Scope, from: string, reader: Reader, mapping: string): ReadResult {
  const rec = pickRecord(scope, from);
  if (!rec) return { text: undefined, rec };
  const raw = 'column' in reader ? rec.values[reader.column] : walkPath(rec.values, reader.path);
  const s = toScalar(raw);
  if (!s.ok) {
    return {
      text: undefined,
      rec,
      error: new AgentError('MAP_NOT_A_VALUE', s.reason, { where: { ...recordWhere(rec.where, reader), mapping }, rule: `path ${'column' in reader ? reader.column : reader.text}` }),
    };
  }
  return { text: s.text, rec };
}

/** The record's location without the per-column cell map, plus the cell of the column read. */
export function recordWhere(p: Provenance, reader?: { readonly column: string } | Reader): Where {
  const cell = reader && 'column' in reader ? p.cells?.[reader.column] : undefined;
  const place = provenanceWhere(p);
  return cell ? { ...place, cell } : place;
}
