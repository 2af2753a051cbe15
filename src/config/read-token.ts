import { readFile } from 'node:fs/promises';
import { AgentError } from '../core/errors.ts';
import type { TokenSource } from './agent-config.ts';

/**
 * Reads a company's KSeF token from where the configuration says. The value is returned to the
 * caller only (who registers it with the log redactor); errors name the source, never a value.
 */
export async function readToken(source: TokenSource, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if ('env' in source) {
    const value = env[source.env]?.trim();
    if (!value) {
      throw new AgentError('CFG_TOKEN_MISSING', `environment variable ${source.env} holding the KSeF token is not set or empty`, {
        kind: 'config',
        where: { field: 'token.env' },
      });
    }
    return value;
  }
  let text: string;
  try {
    text = await readFile(source.file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw new AgentError('CFG_TOKEN_MISSING', `cannot read the KSeF token file ${source.file} (${code})`, {
      kind: 'config',
      where: { file: source.file, field: 'token.file' },
    });
  }
  const value = text.trim();
  if (!value) {
    throw new AgentError('CFG_TOKEN_MISSING', `the KSeF token file ${source.file} is empty`, { kind: 'config', where: { file: source.file, field: 'token.file' } });
  }
  return value;
}
