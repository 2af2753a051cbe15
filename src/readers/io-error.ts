import { AgentError, isAgentError } from '../core/errors.ts';

/** Codes of file-system errors worth retrying (a share that hiccups, a file still locked by the ERP). */
const TRANSIENT = new Set(['EBUSY', 'EAGAIN', 'EACCES', 'EPERM', 'EMFILE', 'ENFILE', 'ETIMEDOUT', 'EIO']);

/** Wraps a file-system failure as READ_IO (AgentErrors pass through unchanged). */
export function ioError(e: unknown, displayName: string): AgentError {
  if (isAgentError(e)) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  return new AgentError('READ_IO', `cannot read the file (${code})`, {
    kind: TRANSIENT.has(code) ? 'transient' : 'internal',
    where: { file: displayName },
    cause: e,
  });
}
