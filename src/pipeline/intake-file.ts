import { AgentError } from '../core/errors.ts';
import type { InboxFile } from '../core/records.ts';
import type { InboxConfig } from '../config/agent-config.ts';
import type { FileRecord, PlannedInvoice, StoredError } from '../store/state-store.ts';
import { writeErrorReport } from '../outbox/error-report.ts';
import { asAgentError, previewFile } from './preview-file.ts';
import type { PreviewResult } from './preview-file.ts';
import { ksefHash, writeInvoiceXml } from './invoice-xml-files.ts';
import type { PipelineContext } from './pipeline-context.ts';

const stored = (e: AgentError): StoredError => ({ code: e.code, message: e.message, ...(Object.keys(e.where).length ? { where: e.where } : {}) });

/** Every problem of a preview that failed, invoices without problems named as not sent. */
function problemsOf(p: PreviewResult, sourceName: string): AgentError[] {
  const out: AgentError[] = [...p.errors];
  p.invoices.forEach((inv, k) => {
    const number = inv.number ?? `#${k + 1}`;
    if (inv.errors.length) out.push(...inv.errors.map((e) => e.at({ file: sourceName, invoice: number })));
    else {
      out.push(new AgentError('PIPELINE_NOT_SENT', 'this invoice is valid but was not sent, because other invoices in the same file have errors (the file is handled as a whole)', {
        kind: 'data',
        where: { file: sourceName, invoice: number },
      }));
    }
  });
  return out;
}

/**
 * Takes a claimed file into the state: recorded, recognised as a duplicate of identical content,
 * or read → mapped → FA XML → validated → XSD. A bad file goes to errors/ with its reports (the
 * reporter then writes its result file); a good one has its invoices planned, each FA XML kept
 * in the work area. An invoice whose (seller NIP, kind, number) we already got accepted is
 * settled at once with the original KSeF number. Safe to repeat for a file in state `claimed`.
 */
export async function intakeFile(ctx: PipelineContext, file: InboxFile, inbox: InboxConfig): Promise<FileRecord> {
  const { store } = ctx;
  let rec = await store.recordClaim(file);
  if (rec.state !== 'claimed') return rec;

  const earlier = store.filesByHash(file.companyId, file.sha256).find((f) => f.id !== rec.id && (f.state === 'mapped' || f.state === 'done'));
  if (earlier) {
    rec = await store.markDuplicateFile(rec.id, earlier.id);
    ctx.bus.emit('file.duplicate', { companyId: file.companyId, sourceName: file.sourceName, sha256: file.sha256, firstSeenAs: earlier.sourceName });
    return rec;
  }

  let preview: PreviewResult;
  try {
    preview = await previewFile(file.path, {
      mapping: inbox.mapping,
      schema: ctx.company.schema,
      company: ctx.profile,
      today: ctx.today(),
      now: ctx.now(),
      displayName: file.sourceName,
    });
  } catch (e) {
    preview = { file: file.sourceName, mapping: inbox.mapping, schema: ctx.company.schema, invoices: [], errors: [asAgentError(e, { file: file.sourceName })], ok: false };
  }
  // a file that could not be read for a passing reason (share offline) is tried again later
  const transient = preview.errors.find((e) => e.kind === 'transient');
  if (transient) throw transient;

  if (!preview.ok) {
    const problems = problemsOf(preview, file.sourceName);
    rec = await store.failFile(rec.id, problems.map(stored));
    await writeErrorReport(ctx.company.folders.outbox, file.path, file.sourceName, problems, {
      claimId: rec.id, companyId: file.companyId, inboxId: file.inboxId, sha256: file.sha256, at: ctx.now().toISOString(),
    });
    ctx.bus.emit('file.failed', { companyId: file.companyId, sourceName: file.sourceName, codes: [...new Set(problems.map((p) => p.code))] });
    return rec;
  }

  const planned: PlannedInvoice[] = [];
  for (const [k, inv] of preview.invoices.entries()) {
    const xml = inv.xml!;
    await writeInvoiceXml(ctx.company.folders.work, `${rec.id}#${k + 1}`, xml.xml);
    planned.push({ number: xml.invoiceNumber, kind: xml.kind, sellerNip: xml.sellerNip, hash: ksefHash(xml.xml) });
  }
  await store.batch((tx) => {
    const recs = tx.planInvoices(rec.id, planned);
    for (const r of recs) {
      const prior = store.findAccepted(r.sellerNip, r.kind, r.number);
      if (!prior) continue;
      tx.transition(r.id, 'accepted', {
        duplicateOfOriginal: true,
        ...(prior.ksefNumber ? { ksefNumber: prior.ksefNumber } : {}),
        ...(prior.acquisitionDate ? { acquisitionDate: prior.acquisitionDate } : {}),
        ...(prior.upoFile ? { upoFile: prior.upoFile } : {}),
      });
    }
  });
  return store.getFile(rec.id)!;
}
