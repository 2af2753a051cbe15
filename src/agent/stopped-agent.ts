/**
 * An agent that stopped without releasing its lock (a crash, kill -9, a power cut): the lock is
 * still on disk but its process is gone (see isStale). `status` must not call that ok: nothing is
 * processed until an agent runs again. What that agent last published in runtime.json (held
 * companies, trouble it retried) is the best knowledge there is, so it is reported too, marked as
 * last known — a company KSeF refused is most likely still refused.
 */
import type { HealthReason } from './assess-health.ts';
import type { RuntimeFacts } from './health-facts.ts';
import type { LockHolder } from './state-lock.ts';

const LAST_KNOWN = 'when the agent stopped (last known)';

export function stoppedAgentReasons(lockPath: string, holder: LockHolder, lastKnown: readonly RuntimeFacts[]): HealthReason[] {
  const reasons: HealthReason[] = [
    {
      level: 'degraded',
      code: 'AGENT_CRASHED',
      message: `the agent (pid ${holder.pid}, command ${holder.command}, since ${holder.since}) stopped without releasing its lock ${lockPath}: it crashed or was killed; nothing is processed until an agent runs again; the next start takes over the lock`,
    },
  ];
  for (const c of lastKnown) {
    if (c.held) {
      reasons.push({ level: 'failing', code: 'COMPANY_HELD', companyId: c.id, message: `company ${c.id}, ${LAST_KNOWN}: KSeF refused it since ${c.held.since}: ${c.held.message} [${c.held.code}]; the next start tries again` });
    } else if (c.trouble) {
      reasons.push({ level: 'degraded', code: 'KSEF_TROUBLE', companyId: c.id, message: `company ${c.id}, ${LAST_KNOWN}: it was retrying since ${c.trouble.since}: ${c.trouble.message} [${c.trouble.code}]` });
    }
    for (const t of c.intake ?? []) {
      reasons.push({ level: t.transient ? 'degraded' : 'failing', code: 'INTAKE_FAILED', companyId: c.id, message: `company ${c.id}, ${LAST_KNOWN}: ${t.sourceName} could not be taken in since ${t.since}: ${t.message.replace(`${c.id}: `, '')} [${t.code}]; it stays claimed in the work area` });
    }
    for (const u of c.unclaimed ?? []) {
      reasons.push({ level: 'degraded', code: u.code, companyId: c.id, message: `company ${c.id}, ${LAST_KNOWN}: ${u.name} in inbox ${u.inboxId} could not be taken since ${u.since}: ${u.message} [${u.code}]` });
    }
  }
  return reasons;
}
