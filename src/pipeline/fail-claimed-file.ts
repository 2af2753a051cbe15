import type { AgentError } from '../core/errors.ts';
import type { InboxFile } from '../core/records.ts';
import type { PipelineContext } from './pipeline-context.ts';

/**
 * Records a claimed file that cannot be taken in at all as failed with its one problem, in one
 * store transaction; the reporter then moves it to errors/ with its report and writes its result
 * file, as for any failed file. Safe to repeat (a file the state already knows is left alone).
 */
export async function failClaimedFile(ctx: PipelineContext, file: InboxFile, problem: AgentError): Promise<void> {
  const failed = await ctx.store.batch((tx) => {
    const rec = tx.recordClaim(file);
    if (rec.state !== 'claimed') return false;
    tx.failFile(rec.id, [{ code: problem.code, message: problem.message, ...(Object.keys(problem.where).length ? { where: problem.where } : {}) }]);
    return true;
  });
  if (failed) ctx.bus.emit('file.failed', { companyId: file.companyId, sourceName: file.sourceName, codes: [problem.code] });
}
