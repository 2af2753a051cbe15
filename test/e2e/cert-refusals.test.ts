// Issue 10 Proof: refusals of a certificate login hold only that company, with a precise message,
// and never crash the agent: a self-signed certificate against a simulator in prod mode (untrusted
// chain, status 460), and a signed login document altered on its way after signing (400 9105
// naming the altered reference). The agent runs in-process against an external simulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from '../../src/agent/agent.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { makeAgentEnv, REPO } from '../helpers/agent-env.ts';
import { sealOf, selfSigned } from '../helpers/cert-fixtures.ts';

const NIP = '5265877635';

/** One certificate company against `url`; runs one pass; returns the hold and health, then closes. */
async function onePass(url: string): Promise<{ held: { code: string; message: string } | undefined; health: { status: string; reasons: readonly { code: string }[] } }> {
  const env = await makeAgentEnv({ inboxes: [{ id: 'optima', mapping: 'optima-csv.json' }], simUrl: url, nip: NIP });
  const seal = await selfSigned({ alg: 'ec', subject: sealOf(NIP) });
  await writeFile(join(env.dir, 'cert.pem'), seal.certificatePem);
  await writeFile(join(env.dir, 'key.pem'), seal.privateKeyPem, { mode: 0o600 });
  const config = JSON.parse(await readFile(env.configFile, 'utf8'));
  const { token: _token, ...co } = config.companies[0];
  config.companies[0] = { ...co, certificate: { certificateFile: 'cert.pem', privateKeyFile: 'key.pem' } };
  config.once = { patienceMs: 1000 };
  await writeFile(env.configFile, JSON.stringify(config));
  const agent = new Agent(await loadConfig(env.configFile), { env: env.env });
  try {
    await agent.open();
    await copyFile(join(REPO, 'inbox-example', 'optima', 'faktury-2026-11.csv'), join(env.inbox('optima'), 'faktury.csv'));
    await agent.runOnce();
    return { held: agent.pipelines[0]!.held, health: await agent.health() };
  } finally {
    await agent.close();
    await env.cleanup();
  }
}

test('prod-mode simulator: a self-signed certificate holds its company with status 460 "Niezaufany łańcuch certyfikatów"', async () => {
  const sim = await startSimulator({ mode: 'prod', rateLimits: 'off' });
  try {
    const { held, health } = await onePass(sim.baseUrl);
    assert.ok(held, 'held');
    assert.equal(held.code, 'KSEF_AUTH_FAILED');
    assert.match(held.message, new RegExp(`KSeF refused the login for NIP ${NIP}: status 460 .*\\(Niezaufany łańcuch certyfikatów\\): KSeF does not accept the certificate \\(expired, untrusted, revoked or suspended\\)`));
    assert.equal(health.status, 'failing');
    assert.ok(health.reasons.some((r) => r.code === 'COMPANY_HELD'));
    assert.equal(sim.counters().totals.attempts, 0, 'nothing was sent');
  } finally {
    await sim.close();
  }
});

test('a signed login document altered after signing (a middlebox rewrites it): 9105 naming the altered reference, company held', async () => {
  const sim = await startSimulator({ rateLimits: 'off' });
  const target = new URL(sim.baseUrl);
  let tampered = 0;
  // forwards everything; rewrites the body of POST …/auth/xades-signature after the agent signed it
  const proxy: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.method === 'POST' && req.url?.endsWith('/auth/xades-signature')) {
        body = Buffer.from(body.toString('utf8').replace('>certificateSubject<', '>certificateFingerprint<'), 'utf8');
        tampered++;
      }
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  try {
    const port = (proxy.address() as { port: number }).port;
    const { held, health } = await onePass(`http://127.0.0.1:${port}/v2`);
    assert.ok(tampered >= 1, 'the document went through the middlebox');
    assert.ok(held, 'held');
    assert.equal(held.code, 'KSEF_AUTH_FAILED');
    assert.match(held.message, new RegExp(`KSeF refused the signed login document of NIP ${NIP}: 9105 Nieprawidłowy podpis\\. \\(Treść dokumentu zmieniona po podpisaniu: skrót Reference URI="" \\(cały dokument\\) nie zgadza się\\.\\)`));
    assert.equal(health.status, 'failing');
    assert.equal(sim.counters().totals.attempts, 0, 'nothing was sent');
  } finally {
    await new Promise<void>((r) => proxy.close(() => r()));
    await sim.close();
  }
});
