/**
 * JSON, JSON Lines and XML: where the records are (the real reader then reads the first ones, so
 * paths are what rules will see: XML prefixes removed, attributes as @name) and their lines.
 */
import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import { AgentError } from '../core/errors.ts';
import type { SourceValue } from '../core/records.ts';
import type { InputOptions } from '../core/input-options.ts';
import { readRecords } from '../readers/index.ts';
import { decodeSample } from './sample-text.ts';
import { findRecordArray, suggestTree, type TreeGuess } from './suggest-tree.ts';
import type { SuggestFacts } from './suggest-facts.ts';

type Json = Record<string, unknown>;
const MAX_RECORDS = 500;
const TREE_BYTES = 64 * 1024 * 1024;

async function firstRecords(path: string, input: InputOptions, name: string): Promise<SourceValue[]> {
  const out: SourceValue[] = [];
  for await (const r of readRecords(path, input, name)) {
    out.push(r.values as SourceValue);
    if (out.length >= MAX_RECORDS) break;
  }
  return out;
}

function plainValue(v: unknown): SourceValue {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(plainValue);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Json).map(([k, c]) => [k, plainValue(c)]));
  return String(v);
}

export async function suggestNested(path: string, format: 'json' | 'xml' | 'jsonl', decode: { encoding: string }, lines: readonly string[], facts: SuggestFacts): Promise<{ input: Json; invoices: Json; tree: TreeGuess }> {
  const whole = async (): Promise<string> => {
    const buf = await readFile(path);
    if (buf.length > TREE_BYTES) throw new AgentError('SUGGEST_TOO_BIG', `the file is larger than ${TREE_BYTES} bytes; suggest from a smaller export of the same kind`, { kind: 'config', where: { file: facts.file } });
    return decodeSample(buf, facts.encoding ?? 'utf-8');
  };
  const enc = decode as { encoding: 'auto' };
  if (format === 'jsonl') {
    const records = lines.filter((l) => l.trim() !== '').slice(0, MAX_RECORDS).map((l) => plainValue(JSON.parse(l)));
    const tree = suggestTree(records, '.');
    facts.records = 'one JSON object per line';
    const input = { format: 'jsonl', ...decode, jsonl: {} };
    return { input, invoices: { per: 'record', ...(tree.linesPath ? { lines: tree.linesPath.join('.') } : {}) }, tree };
  }
  if (format === 'json') {
    const text = await whole();
    const found = findRecordArray(plainValue(JSON.parse(text)));
    const recordPath = found ? found.path.join('.') : '';
    facts.records = `"${recordPath}" (${found?.count ?? 1} record(s))`;
    const input: Json = { format: 'json', ...decode, json: { recordPath } };
    const records = await firstRecords(path, { format: 'json', decode: enc, json: { recordPath } }, facts.file);
    const tree = suggestTree(records, '.');
    return { input, invoices: { per: 'record', ...(tree.linesPath ? { lines: tree.linesPath.join('.') } : {}) }, tree };
  }
  const text = await whole();
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, ignoreDeclaration: true, ignorePiTags: true, processEntities: false }).parse(text) as Json;
  const found = findRecordArray(plainValue(parsed));
  const recordPath = '/' + (found ? found.path : Object.keys(parsed).slice(0, 1)).join('/');
  facts.records = `"${recordPath}" (${found?.count ?? 1} record(s))`;
  const first = await firstRecords(path, { format: 'xml', decode: enc, xml: { recordPath } }, facts.file);
  const probe = suggestTree(first, '/');
  const arrays = probe.linesPath ? [probe.linesPath[probe.linesPath.length - 1]!] : undefined;
  const records = arrays ? await firstRecords(path, { format: 'xml', decode: enc, xml: { recordPath, arrays } }, facts.file) : first;
  const tree = arrays ? suggestTree(records, '/') : probe;
  const input: Json = { format: 'xml', ...decode, xml: { recordPath, ...(arrays ? { arrays } : {}) } };
  return { input, invoices: { per: 'record', ...(tree.linesPath ? { lines: tree.linesPath.join('/') } : {}) }, tree };
}
