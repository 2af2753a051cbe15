import { nextWorkingDay } from '../core/polish-holidays.ts';
import { localDay } from '../core/local-day.ts';

/** What KSeF's Offline classification of an invoice means, for its result file. */
export interface OfflineNote {
  /** the date of issue: the date on the invoice (FA P_1) */
  readonly issueDate: string | null;
  /** the local day KSeF received it and gave it its number: the buyer's date of receipt */
  readonly receivedInKsef: string | null;
  /** the next working day after the issue date (Saturdays, Sundays and Polish public holidays skipped): the offline24 deadline */
  readonly sendBy: string | null;
  /** true when it reached KSeF after `sendBy` */
  readonly late: boolean;
  /** the same in words, for people */
  readonly note: string;
}

/**
 * The meaning of an Offline classification: KSeF recorded the invoice as issued outside KSeF
 * (TrybWysylki Offline; the simulator does so when the issue date is before the day it receives
 * the invoice). The date of issue is then the date on the invoice, not the
 * KSeF acquisition date; the buyer receives it on the day KSeF assigned its number; a copy given
 * to the buyer before that carries both QR codes; offline24 allows sending until the next working day.
 */
export function offlineNote(issueDate: string | undefined, acquisitionDate: string | undefined): OfflineNote {
  const received = acquisitionDate ? localDay(acquisitionDate) : undefined;
  const sendBy = issueDate ? nextWorkingDay(issueDate) : undefined;
  const late = received !== undefined && sendBy !== undefined && received > sendBy;
  const note =
    `KSeF recorded this invoice as issued offline (TrybWysylki Offline)${issueDate && received && issueDate < received ? `: its issue date ${issueDate} is before the day KSeF received it, ${received}` : ''}. ` +
    `Its date of issue is the date on the invoice${issueDate ? ` (${issueDate})` : ''}, not the KSeF acquisition date; ` +
    `the buyer receives it in KSeF on the day it got its KSeF number${received ? ` (${received})` : ''}. ` +
    'A copy given to the buyer outside KSeF before that must show both QR codes (KOD I and KOD II). ' +
    (sendBy ? `In offline24 mode it had to reach KSeF by ${sendBy}, the next working day after the issue date${late ? `; it reached KSeF later, on ${received}` : ''}.` : '');
  return { issueDate: issueDate ?? null, receivedInKsef: received ?? null, sendBy: sendBy ?? null, late, note: note.trim() };
}
