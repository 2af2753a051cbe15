import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AgentError } from '../core/errors.ts';
import type { AgentConfig } from './agent-config.ts';
import { checkConfig } from './check-config.ts';
import { JsonTextError, parseJsonText } from '../core/json-text.ts';

/** Parses configuration text; a syntax error is `CFG_JSON` with line and column. */
export function parseConfigText(text: string, file: string): unknown {
  try {
    return parseJsonText(text);
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    throw new AgentError('CFG_JSON', `configuration ${file} is not valid JSON: ${e.message}`, { kind: 'config', where: { file, line: e.line, column: e.column } });
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
