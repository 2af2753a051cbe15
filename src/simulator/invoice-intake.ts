/**
 * What happens to one decrypted invoice file in a session: KSeF's checks, the duplicate rule on
 * (seller NIP, RodzajFaktury, P_2), the KSeF number, and the send counters tests rely on.
 * The final status is decided now; status views reveal it after the processing delay.
 */
import { sha256b64 } from './crypto.ts';
import { inspectFa } from './fa-inspect.ts';
import { checkInvoice, schemaOfFormCode } from './invoice-check.ts';
import { ksefNumber, referenceNumber } from './ids.ts';
import { holds } from './permissions.ts';
import type { Sim } from './sim-context.ts';
import { warsawDate } from '../core/warsaw-day.ts';
import { duplicateKey, type SessionInvoice, type SessionRecord, type StatusInfo } from './state.ts';

export interface IntakeMeta {
  readonly receivedAt: number;
  readonly invoicingDate: number;
  readonly fileName?: string;
  readonly offlineMode: boolean;
}

export async function intakeInvoice(sim: Sim, session: SessionRecord, plain: Buffer, meta: IntakeMeta): Promise<SessionInvoice> {
  const schema = schemaOfFormCode(session.formCode.systemCode, session.formCode.schemaVersion, session.formCode.value)!;
  // Calendar days are Warsaw days: at 00:30 Warsaw the UTC date is still yesterday.
  const todayIso = warsawDate(meta.receivedAt);
  const check = await checkInvoice(plain, schema, { checkNip: sim.opts.checkNip, todayIso });
  let facts = check.facts;
  if (!facts) {
    try {
      facts = inspectFa(plain.toString('utf8'));
    } catch {
      facts = undefined;
    }
  }
  const counter = facts?.sellerNip && facts.invoiceNumber ? sim.state.sendCounter(duplicateKey(facts.sellerNip, facts.invoiceKind, facts.invoiceNumber)) : undefined;
  if (counter) counter.attempts++;
  const invoiceHash = sha256b64(plain);
  const offline = meta.offlineMode || (facts?.issueDate ? facts.issueDate < warsawDate(meta.invoicingDate) : false);
  const record: SessionInvoice = {
    referenceNumber: referenceNumber('EE', meta.receivedAt),
    sessionReferenceNumber: session.referenceNumber,
    ordinalNumber: session.invoiceRefs.length + 1,
    invoiceHash,
    ...(meta.fileName ? { invoiceFileName: meta.fileName } : {}),
    ...(facts?.invoiceNumber ? { invoiceNumber: facts.invoiceNumber } : {}),
    receivedAt: meta.receivedAt,
    final: { code: 200, description: 'Sukces' },
    invoicingMode: offline ? 'Offline' : 'Online',
  };
  if (!check.ok) {
    record.final = check.status;
    if (counter) counter.rejected++;
  } else if (!holds(sim, session.nip, check.facts.sellerNip, 'InvoiceWrite')) {
    // PROTOCOL §6/§13: 410 "wrong permission scope" when the context may not invoice for the seller
    record.final = {
      code: 410,
      description: 'Nieprawidłowy zakres uprawnień',
      details: [`Brak uprawnienia InvoiceWrite do wystawiania faktur sprzedawcy o NIP ${check.facts.sellerNip} w kontekście NIP ${session.nip}.`],
    };
    if (counter) counter.rejected++;
  } else {
    const f = check.facts;
    const original = sim.state.byDuplicateKey.get(duplicateKey(f.sellerNip, f.invoiceKind, f.invoiceNumber));
    if (original) {
      const status: StatusInfo = {
        code: 440,
        description: 'Duplikat faktury',
        details: [`Faktura o numerze ${f.invoiceNumber} została już przyjęta z numerem KSeF ${original.ksefNumber}.`],
        extensions: { originalSessionReferenceNumber: original.sessionReferenceNumber ?? '', originalKsefNumber: original.ksefNumber },
      };
      record.final = status;
      counter!.duplicates++;
    } else {
      const acquisitionDate = meta.receivedAt + sim.opts.processingDelayMs;
      record.ksefNumber = ksefNumber(f.sellerNip, meta.receivedAt);
      sim.state.addInvoice({
        ksefNumber: record.ksefNumber,
        xml: plain.toString('utf8'),
        invoiceHash,
        sellerNip: f.sellerNip,
        ...(f.sellerName ? { sellerName: f.sellerName } : {}),
        buyer: f.buyer,
        invoiceNumber: f.invoiceNumber,
        invoiceKind: f.invoiceKind,
        issueDate: f.issueDate,
        invoicingDate: meta.invoicingDate,
        acquisitionDate,
        permanentStorageDate: acquisitionDate + sim.opts.permanentStorageDelayMs,
        netAmount: f.netAmount,
        vatAmount: f.vatAmount,
        grossAmount: f.grossAmount,
        currency: f.currency,
        formCode: session.formCode,
        invoicingMode: record.invoicingMode,
        sessionReferenceNumber: session.referenceNumber,
      });
      counter!.accepted++;
    }
  }
  session.invoiceRefs.push(record.referenceNumber);
  session.dateUpdated = meta.receivedAt;
  sim.state.addSessionInvoice(record);
  return record;
}
