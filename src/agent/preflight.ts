/**
 * What the configuration needs from the world, checked before anything starts: every problem at
 * once, each with its JSON path and company, as one CFG_INVALID — so a wrong folder, a mapping
 * that does not compile or a busy port is one report, not a crash loop.
 */
import { createServer } from 'node:net';
import type { AgentConfig } from '../config/agent-config.ts';
import { readToken } from '../config/read-token.ts';
import { checkCertificateSources } from '../config/read-certificate.ts';
import { configProblems } from '../config/check-config.ts';
import { isAgentError } from '../core/errors.ts';
import { loadMapping, MappingInvalidError } from '../mapping/index.ts';
import type { CompiledMapping } from '../mapping/index.ts';
import { appliesProblems, inboxMappings } from '../pipeline/choose-mapping.ts';
import { folderFacts } from './health-facts.ts';

async function portProblem(host: string, port: number): Promise<string | undefined> {
  if (port === 0) return undefined;
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use by another program` : `cannot listen on ${host}:${port} (${e.code ?? e.message})`));
    server.listen(port, host, () => server.close(() => resolve(undefined)));
  });
}

export async function preflightProblems(config: AgentConfig, env: NodeJS.ProcessEnv): Promise<string[]> {
  const problems: string[] = [];
  const folders = await folderFacts(config);
  // per mapping file: compiled, or why it does not load
  const compiled = new Map<string, CompiledMapping | string>();
  for (const [i, co] of config.companies.entries()) {
    const at = `$.companies[${i}]`;
    const who = `(company ${co.id})`;
    if (co.token) {
      try {
        await readToken(co.token, env);
      } catch (e) {
        problems.push(`${at}.token.${'env' in co.token ? 'env' : 'file'} ${who}: ${(e as Error).message}${isAgentError(e) ? ` [${e.code}]` : ''}`);
      }
    }
    if (co.certificate) {
      try {
        await checkCertificateSources(co.certificate, env, `${at}.certificate`);
      } catch (e) {
        // the message starts with the JSON path of the source
        problems.push(`${(e as Error).message.replace(/^(\S+): /, `$1 ${who}: `)}${isAgentError(e) ? ` [${e.code}]` : ''}`);
      }
    }
    for (const [j, b] of co.inboxes.entries()) {
      const f = folders.find((x) => x.companyId === co.id && x.role === `inbox ${b.id}`);
      if (f?.problem) problems.push(`${at}.inboxes[${j}].folder ${who}: inbox folder ${b.folder} ${f.problem}`);
      const list = inboxMappings(b);
      for (const [k, path] of list.entries()) {
        const key = `${at}.inboxes[${j}].mapping${list.length > 1 ? `[${k}]` : ''}`;
        if (!compiled.has(path)) compiled.set(path, await loadMapping(path).catch((e: unknown) => (e instanceof MappingInvalidError ? e.details!.join('; ') : (e as Error).message)));
        const m = compiled.get(path)!;
        if (typeof m === 'string') problems.push(`${key} ${who}: mapping ${path} does not load: ${m}`);
        else problems.push(...appliesProblems(m.applies, co.id, b.id).map((p) => `${key} ${who}: mapping ${path} ${p} [CFG_MAPPING_APPLIES]`));
      }
    }
    for (const role of ['outbox', 'archive', 'work'] as const) {
      const f = folders.find((x) => x.companyId === co.id && x.role === role);
      if (f?.problem) problems.push(`${at}.folders.${role} ${who}: ${role} folder ${f.path} ${f.problem}`);
    }
  }
  if (config.health.enabled) {
    const p = await portProblem(config.health.host, config.health.port);
    if (p) problems.push(`$.health.port: ${p}`);
  }
  if (config.environment === 'sim' && config.simulator.url === undefined) {
    const p = await portProblem('127.0.0.1', config.simulator.port);
    if (p) problems.push(`$.simulator.port: ${p}`);
  }
  return problems;
}

/** Throws CFG_INVALID listing every problem of the configuration and its surroundings. */
export async function preflight(config: AgentConfig, env: NodeJS.ProcessEnv): Promise<void> {
  const problems = await preflightProblems(config, env);
  if (problems.length) throw configProblems(config.configFile, problems);
}
