/** Fault injection decided per API request: outage, firewall page, dropped connection, 5xx, latency. */
import type { Sim } from './sim-context.ts';

export type FaultAction =
  | { kind: 'none' }
  | { kind: 'outage' }
  | { kind: 'firewall' }
  | { kind: 'drop' }
  | { kind: 'error5xx'; status: number };

const FIVE_XX = [500, 502, 503];
let rotation = 0;

export function pickFault(sim: Sim, path: string): FaultAction {
  const f = sim.faults;
  if (f.paths.length > 0 && !f.paths.some((p) => path.includes(p))) return { kind: 'none' };
  if (sim.now() < f.outageUntil) return { kind: 'outage' };
  if (f.firewallHtmlRate > 0 && sim.opts.random() < f.firewallHtmlRate) return { kind: 'firewall' };
  if (f.dropRate > 0 && sim.opts.random() < f.dropRate) return { kind: 'drop' };
  if (f.error5xxRate > 0 && sim.opts.random() < f.error5xxRate) return { kind: 'error5xx', status: FIVE_XX[rotation++ % FIVE_XX.length]! };
  return { kind: 'none' };
}

export const FIREWALL_HTML = `<!DOCTYPE html>
<html><head><title>Request Rejected</title></head>
<body><h1>403 Forbidden</h1><p>The requested URL was rejected. Please consult with your administrator.</p>
<p>Your support ID is: 1234567890123456789</p></body></html>
`;

export const OUTAGE_HTML = `<!DOCTYPE html>
<html><head><title>Service Unavailable</title></head>
<body><h1>503 Service Unavailable</h1><p>KSeF jest chwilowo niedostępny (przerwa techniczna).</p></body></html>
`;
