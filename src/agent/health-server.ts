import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthPolicy } from '../config/agent-config.ts';
import { localToday } from '../pipeline/pipeline-context.ts';
import type { Agent } from './agent.ts';

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The agent's state as GET /health serves it: the verdict of assessHealth (the same the status
 * command prints) with its reasons, per company what waits, and today's counts.
 */
export async function healthOf(agent: Agent): Promise<Record<string, unknown>> {
  const counts = agent.store.counts(localToday());
  const h = await agent.health();
  const companies = h.companies.map((c) => ({
    id: c.id, activeFiles: c.activeFiles, planned: c.planned, inFlight: c.inFlight,
    ...(c.held ? { held: { code: c.held.code, message: c.held.message, since: c.held.since, nextTry: c.held.until } } : {}),
    ...(c.trouble ? { trouble: c.trouble } : {}),
  }));
  return { status: h.status, reasons: h.reasons, ...(h.warnings ? { warnings: h.warnings } : {}), environment: agent.config.environment, companies, acceptedToday: counts.acceptedOnDay, rejectedToday: counts.rejectedOnDay, filesFailedToday: counts.filesFailedOnDay };
}

/** GET /health → 200 when ok, 503 when degraded or failing (JSON with the reasons); anything else 404. */
export async function startHealthServer(agent: Agent, policy: HealthPolicy): Promise<HealthServer> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/health') {
      healthOf(agent).then(
        (body) => res.writeHead(body['status'] === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
        (e: unknown) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'failing', reasons: [{ level: 'failing', code: 'HEALTH_INTERNAL', message: String(e) }] })),
      );
    } else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(policy.port, policy.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
