/**
 * An agent that stopped without releasing its lock (a crash, kill -9, a power cut): the lock is
 * still on disk but its process is gone (see isStale). `status` must not call that ok: nothing is
 * processed until an agent runs again. What that agent last published in runtime.json (held
 * companies, trouble it retried) is the best knowledge there is, so it is reported too, marked as
 * last known — a company KSeF refused is most likely still refused.
 */
import { runtimeReasons, type HealthReason, type RuntimeFacts } from './assess-health.ts';
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
  for (const c of lastKnown) reasons.push(...runtimeReasons(c, `company ${c.id}, ${LAST_KNOWN}`));
  return reasons;
}
