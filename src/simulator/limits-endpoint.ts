/** GET /rate-limits (EffectiveApiRateLimits) and GET /limits/context (EffectiveContextLimits). */
import { effectiveLimits } from './rate-limits.ts';
import { route, type Route } from './router.ts';

const UNLIMITED = 1_000_000;

export const limitsRoutes: Route[] = [
  route('GET', '/rate-limits', 'other', 'access', (sim) => {
    const limits = effectiveLimits(sim.limiter.mode === 'off' ? 'prod' : sim.limiter.mode);
    if (sim.limiter.mode === 'off') {
      for (const v of Object.values(limits)) {
        v.perSecond = UNLIMITED;
        v.perMinute = UNLIMITED;
        v.perHour = UNLIMITED;
      }
    }
    return { status: 200, json: limits };
  }),
  route('GET', '/limits/context', 'other', 'access', () => {
    const session = { maxInvoiceSizeInMB: 1, maxInvoiceWithAttachmentSizeInMB: 3, maxInvoices: 10_000 };
    return { status: 200, json: { onlineSession: session, batchSession: { ...session } } };
  }),
];
