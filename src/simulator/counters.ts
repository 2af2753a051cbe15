/** What tests ask the simulator: above all, send attempts and acceptances per invoice identity. */
import type { Sim } from './sim-context.ts';

export interface SendCounterRow {
  sellerNip: string;
  invoiceKind: string;
  invoiceNumber: string;
  attempts: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface SimCounters {
  /** One row per (seller NIP, RodzajFaktury, P_2) ever sent. */
  sends: SendCounterRow[];
  /** Requests per endpoint, keyed `METHOD /path/{template}`. */
  requests: Record<string, number>;
  sessions: { online: number; batch: number };
  invoicesStored: number;
  totals: { attempts: number; accepted: number; duplicates: number; rejected: number };
}

export function counters(sim: Sim): SimCounters {
  const sends: SendCounterRow[] = Object.entries(sim.state.data.sends).map(([key, c]) => {
    const [sellerNip, invoiceKind, ...rest] = key.split('|');
    return { sellerNip: sellerNip!, invoiceKind: invoiceKind!, invoiceNumber: rest.join('|'), ...c };
  });
  const totals = { attempts: 0, accepted: 0, duplicates: 0, rejected: 0 };
  for (const s of sends) {
    totals.attempts += s.attempts;
    totals.accepted += s.accepted;
    totals.duplicates += s.duplicates;
    totals.rejected += s.rejected;
  }
  return {
    sends,
    requests: { ...sim.state.data.requests },
    sessions: {
      online: sim.state.data.sessions.filter((s) => s.kind === 'Online').length,
      batch: sim.state.data.sessions.filter((s) => s.kind === 'Batch').length,
    },
    invoicesStored: sim.state.data.invoices.length,
    totals,
  };
}
