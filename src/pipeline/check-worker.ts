/** The worker side of check-pool.ts: checkInvoices for each request, answered by id. */
import { parentPort } from 'node:worker_threads';
import { toWire, type WorkerReply, type WorkerRequest, type WireResult } from './check-pool.ts';
import { checkInvoices } from './preview-file.ts';

const port = parentPort;
if (!port) throw new Error('check-worker.ts runs as a worker thread of check-pool.ts');

port.on('message', (req: WorkerRequest) => {
  checkInvoices(req.invoices, req.opts).then(
    (all) => {
      const results = all.map((r): WireResult => ({
        ...(r.number !== undefined ? { number: r.number } : {}),
        ...(r.seller !== undefined ? { seller: r.seller } : {}),
        ...(r.xml ? { xml: r.xml } : {}),
        errors: r.errors.map(toWire),
        warnings: r.warnings.map(toWire),
      }));
      port.postMessage({ id: req.id, results } satisfies WorkerReply);
    },
    (err: unknown) => port.postMessage({ id: req.id, crash: err instanceof Error ? err.message : String(err) } satisfies WorkerReply),
  );
});
