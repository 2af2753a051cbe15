/**
 * `ksef-hotfolder suggest FILE [--out mapping.json] [--name NAME] [--force]`
 *
 * Writes a starter mapping for an export file (stdout, or --out; an existing file is kept unless
 * --force) and says on stderr what it found: format, encoding, delimiter, header row, sheets or
 * records, how rows become invoices, the fields it guessed and the TODOs left. Exit code 0 when a
 * mapping was written, 1 when not.
 */
import { access, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AgentError, describeError } from '../core/errors.ts';
import { asAgentError } from '../pipeline/preview-file.ts';
import { suggestMapping, type SuggestFacts } from '../suggest/suggest-mapping.ts';

export interface SuggestCliOptions {
  readonly out?: string;
  readonly name?: string;
  readonly force?: boolean;
}

export interface SuggestIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export function renderSummary(f: SuggestFacts, file: string, out: string | undefined): string {
  const lines = [`suggest ${file}:`];
  const add = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') lines.push(`  ${label}: ${value}`);
  };
  add('format', f.format);
  add('encoding', f.encodingHow ?? (f.format === 'xlsx' ? 'not needed (a workbook)' : f.encoding));
  add('delimiter', f.delimiter === undefined ? undefined : JSON.stringify(f.delimiter));
  add('header row', f.headerRow === undefined ? undefined : f.headerRow === 0 ? 'none' : f.headerRow);
  add('sheets', f.sheets?.join('; '));
  add('sheet used', f.sheet);
  add('records', f.records);
  add('invoices', f.grouping);
  add('repeated column groups', f.unpivot);
  const numbers = [...f.decimal.map((d) => `decimal ${d}`), ...f.dates.map((d) => (d === 'iso' ? 'dates ISO (yyyy-mm-dd)' : `dates ${d}`))];
  add('number and date formats', numbers.join(', ') || 'nothing to convert seen');
  lines.push(`  fields guessed (${f.guessed.length}):`, ...f.guessed.map((g) => `    ${g}`));
  lines.push(`  TODO (${f.todos.length}):`, ...(f.todos.length > 0 ? f.todos.map((t) => `    ${t}`) : ['    none; still check every field in preview']));
  for (const w of f.warnings) lines.push(`  warning: ${w}`);
  if (f.needsNewVocabulary) lines.push(`  note: this mapping uses ${f.needsNewVocabulary} (issue 11); an agent without them refuses it at load`);
  lines.push(`  next: ksef-hotfolder preview ${file} --mapping ${out ?? '<this mapping>.json'}`);
  return lines.join('\n') + '\n';
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function runSuggest(file: string, opts: SuggestCliOptions, io: SuggestIo): Promise<number> {
  try {
    if (opts.out !== undefined && !opts.force && (await exists(opts.out))) {
      throw new AgentError('CLI_OUT_EXISTS', `${opts.out} already exists; it is kept (use --force to overwrite it, or choose another --out)`, { kind: 'config', where: { file: opts.out } });
    }
    const s = await suggestMapping(file, opts.name !== undefined ? { name: opts.name } : {});
    const text = JSON.stringify(s.mapping, null, 2) + '\n';
    if (opts.out !== undefined) {
      try {
        await writeFile(opts.out, text, { flag: opts.force ? 'w' : 'wx' });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
        throw new AgentError(code === 'EEXIST' ? 'CLI_OUT_EXISTS' : 'CLI_OUT', code === 'EEXIST' ? `${opts.out} already exists; it is kept (use --force to overwrite it)` : `cannot write the mapping (${code})`, { kind: 'config', where: { file: opts.out } });
      }
    } else {
      io.stdout(text);
    }
    io.stderr(renderSummary(s.facts, file, opts.out));
    if (opts.out !== undefined) io.stderr(`wrote ${opts.out}\n`);
    return 0;
  } catch (err) {
    io.stderr(`error: ${describeError(asAgentError(err))}\n`);
    return 1;
  }
}

export function registerSuggestCommand(program: Command): void {
  program
    .command('suggest')
    .description('Write a starter mapping for an export file: format, encoding, header, invoice key and the fields it recognises, with TODOs. Check it with preview.')
    .argument('<file>', 'an export file, e.g. inbox-example/optima/faktury-2026-11.csv')
    .option('-o, --out <mapping>', 'write the mapping to this file (default: print it)')
    .option('-n, --name <name>', 'the mapping\'s name')
    .option('-f, --force', 'overwrite --out if it exists')
    .action(async (file: string, opts: SuggestCliOptions) => {
      process.exitCode = await runSuggest(file, opts, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
      });
    });
}
