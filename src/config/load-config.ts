import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AgentError } from '../core/errors.ts';
import type { AgentConfig } from './agent-config.ts';
import { checkConfig } from './check-config.ts';
import { jsonErrorOffset } from './json-error-offset.ts';

/** 1-based line and column of a character offset */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Parses configuration text; a syntax error is `CFG_JSON` with line and column. */
export function parseConfigText(text: string, file: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    const offset = jsonErrorOffset(text);
    const where = offset >= 0 ? lineColumn(text, offset) : {};
    throw new AgentError('CFG_JSON', `configuration ${file} is not valid JSON: ${msg}`, { kind: 'config', where: { file, ...where } });
  }
}

/**
 * Reads, validates and resolves the configuration file: defaults applied, folders and files
 * resolved against the configuration file's folder. Throws `CFG_READ`, `CFG_JSON` or
 * `CFG_INVALID` (every problem with its JSON path, all at once).
 */
export async function loadConfig(path: string): Promise<AgentConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw new AgentError('CFG_READ', `cannot read configuration ${file} (${code})`, { kind: 'config', where: { file } });
  }
  return checkConfig(parseConfigText(text, file), file);
}
