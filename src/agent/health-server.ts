import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthPolicy } from '../config/agent-config.ts';
import { localToday } from '../pipeline/pipeline-context.ts';
import type { Agent } from './agent.ts';

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The agent's state as GET /health serves it (and the status command prints). */
export function healthOf(agent: Agent): Record<string, unknown> {
  const store = agent.store;
  const counts = store.counts(localToday());
  const companies = agent.pipelines.map((p) => ({
    id: p.companyId,
    activeFiles: store.activeFiles().filter((f) => f.companyId === p.companyId).length,
    planned: store.planned(p.companyId).length,
    inFlight: store.inFlight().filter((i) => i.companyId === p.companyId).length,
    ...(p.held ? { held: { code: p.held.code, message: p.held.message, since: p.held.since, nextTry: p.held.until } } : {}),
  }));
  return { status: 'ok', environment: agent.config.environment, companies, acceptedToday: counts.acceptedOnDay, rejectedToday: counts.rejectedOnDay, filesFailedToday: counts.filesFailedOnDay };
}

/** GET /health → 200 JSON; anything else 404. */
export async function startHealthServer(agent: Agent, policy: HealthPolicy): Promise<HealthServer> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(healthOf(agent)));
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
