import type winston from 'winston';
import type { AgentEventName, AgentEvents, EventBus } from '../core/events.ts';

type Level = 'error' | 'warn' | 'info' | 'debug';

const line: { [K in AgentEventName]: (p: AgentEvents[K]) => [Level, string] } = {
  'inbox.ready': (p) => ['debug', `${p.name} is complete (${p.size} bytes)`],
  'inbox.claimed': (p) => ['info', `claimed ${p.file.sourceName} (${p.file.size} bytes, sha256 ${p.file.sha256.slice(0, 12)})`],
  'inbox.busy': (p) => ['debug', `${p.name}${p.companionOf !== undefined ? ` (the companion file of ${p.companionOf}, which stays in the inbox with it)` : ''} is still held by its writer (${p.code}); trying later`],
  'inbox.error': (p) => ['warn', `${p.message} [${p.code}]`],
  'inbox.recovered': (p) => ['info', `inbox folder ${p.folder} can be read again`],
  'file.failed': (p) => ['warn', `${p.sourceName} moved to errors/ (${p.codes.join(', ')})`],
  'file.done': (p) => ['info', `${p.sourceName} done: ${p.accepted} accepted, ${p.rejected} rejected, ${p.failed} failed`],
  'file.duplicate': (p) => ['warn', `${p.sourceName} has the same content as ${p.firstSeenAs}; not sent again`],
  'ksef.sent': (p) => ['info', `sent ${p.invoice} in session ${p.sessionReferenceNumber}`],
  'ksef.accepted': (p) => [
    'info',
    `${p.invoice} accepted as ${p.ksefNumber}${p.invoicingMode === 'Offline' ? '; KSeF recorded it as Offline: its date of issue is the date on the invoice and the buyer receives it on the day of its KSeF number (see its result)' : ''}`,
  ],
  'file.warnings': (p) => [
    'warn',
    `${p.sourceName}: ${p.count} invoice(s) with a warning [${p.code}], sent all the same: ${p.invoices.slice(0, 5).join(', ')}${p.count > 5 ? `, … (${p.count - 5} more)` : ''}; e.g. ${p.message}`,
  ],
  'ksef.rejected': (p) => ['warn', `${p.invoice} rejected: ${p.message} [${p.code}]`],
  'ksef.unconfirmed': (p) => ['warn', `${p.invoice}: the send got no clear answer from KSeF (${p.message}) [${p.code}]; it is not sent again blindly: the agent first looks it up in session ${p.sessionReferenceNumber}`],
  'ksef.session-renewed': (p) => ['info', `KSeF closed the online session ${p.sessionReferenceNumber} (it expired) [${p.code}]; a new session is opened and ${p.invoice} goes out in it once KSeF confirms the old one does not have it`],
  'agent.started': (p) =>
    ['info', `ksef-hotfolder ${p.version} started: environment ${p.environment}; companies ${p.companies.join(', ')}; inboxes ${p.inboxes.join('; ')}; health endpoint ${p.healthPort !== undefined ? `on port ${p.healthPort}` : 'off'}; JSON log in ${p.logDir ?? '(no log file)'}`],
  'agent.stopped': (p) => ['info', `ksef-hotfolder stopped: ${p.reason}`],
  'agent.warning': (p) => ['warn', p.message],
  'agent.error': (p) => ['error', p.message],
};

/** Logs every event on the bus as one line (`event` names it); returns the unsubscribe function. */
export function logEvents(bus: EventBus, logger: winston.Logger): () => void {
  return bus.onAny((name, payload) => {
    const [level, message] = (line[name] as (p: unknown) => [Level, string])(payload);
    const meta: Record<string, unknown> = { event: name };
    // `message` is already in the line (winston would append a meta message to it)
    for (const [k, v] of Object.entries(payload as object)) if (k !== 'message') meta[k] = k === 'file' ? { ...(v as object) } : v;
    logger.log(level, `${name}: ${message}`, meta);
  });
}
