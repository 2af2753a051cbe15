import { AgentError } from '../core/errors.ts';
import type { FaSchema } from '../core/invoice.ts';

/** Where the client talks to. The base URL is the only difference between them. */
export type KsefEnvironment = 'sim' | 'test' | 'demo' | 'prod';

/** Official API bases (PROTOCOL §1). `sim` has no fixed URL: the simulator tells it. */
export const KSEF_BASE_URLS: Readonly<Record<Exclude<KsefEnvironment, 'sim'>, string>> = {
  test: 'https://api-test.ksef.mf.gov.pl/v2',
  demo: 'https://api-demo.ksef.mf.gov.pl/v2',
  prod: 'https://api.ksef.mf.gov.pl/v2',
};

export function resolveBaseUrl(env: KsefEnvironment, simBaseUrl?: string): string {
  if (env === 'sim') {
    if (!simBaseUrl) {
      throw new AgentError('CFG_KSEF_BASE_URL', 'environment "sim" needs the simulator base URL', { kind: 'config' });
    }
    return simBaseUrl.replace(/\/+$/, '');
  }
  const url = KSEF_BASE_URLS[env];
  if (!url) throw new AgentError('CFG_KSEF_ENVIRONMENT', `unknown KSeF environment "${String(env)}"`, { kind: 'config', rule: 'sim|test|demo|prod' });
  return url;
}

/** FA(2) is accepted only on TEST (and by the simulator); DEMO and PROD take FA(3) only. */
export function schemaAllowed(env: KsefEnvironment, schema: FaSchema): boolean {
  return schema === 'FA(3)' || env === 'test' || env === 'sim';
}
