import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Redactor, REDACTED } from '../../src/log/redactor.ts';
import { closeLogger, createLogger } from '../../src/log/create-logger.ts';
import { logEvents } from '../../src/log/log-events.ts';
import { EventBus } from '../../src/core/events.ts';
import { AgentError } from '../../src/core/errors.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

const withDir = <T>(fn: (dir: string) => Promise<T>): Promise<T> => withTempDir('log-', fn);

const TOKEN = '20260302-EC-2B0F4A1C5D-9E8F7A6B5C|nip-5265877635|a1b2c3d4e5f6a7b8c9d0';
const ACCESS = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI1MjY1ODc3NjM1In0.c2lnbmF0dXJl';

test('redactor: registered secrets in text, token-like keys, nested objects, errors, causes and stacks', () => {
  const r = new Redactor();
  r.register(TOKEN);
  r.register('abc'); // too short to register
  const err = new AgentError('KSEF_AUTH', `auth failed for token ${TOKEN}`, { kind: 'transient', cause: new Error(`inner ${TOKEN}`) });
  const out = r.redact({
    msg: `using ${TOKEN} now`,
    nested: { deeper: [{ note: `x${TOKEN}y` }], accessToken: ACCESS, refreshToken: { token: 'rt-1234567890', validUntil: '2026-03-03' } },
    headers: { Authorization: `Bearer ${ACCESS}`, 'content-type': 'application/json' },
    encryptedToken: 'base64base64base64',
    error: err,
    short: 'abc',
  }) as Record<string, any>;
  const text = JSON.stringify(out);
  assert.ok(!text.includes(TOKEN), text);
  assert.ok(!text.includes(ACCESS), text);
  assert.ok(!text.includes('rt-1234567890'), text);
  assert.equal(out.msg, `using ${REDACTED} now`);
  assert.equal(out.nested.deeper[0].note, `x${REDACTED}y`);
  assert.equal(out.nested.accessToken, REDACTED);
  assert.deepEqual(out.nested.refreshToken, { token: REDACTED, validUntil: '2026-03-03' });
  assert.equal(out.headers.Authorization, REDACTED);
  assert.equal(out.headers['content-type'], 'application/json');
  assert.equal(out.encryptedToken, REDACTED);
  assert.equal(out.short, 'abc');
  assert.equal(out.error.code, 'KSEF_AUTH');
  assert.equal(out.error.message, `auth failed for token ${REDACTED}`);
  assert.match(out.error.stack, /^AgentError: auth failed for token \[REDACTED\]\n {4}at /);
  assert.equal(out.error.cause.message, `inner ${REDACTED}`);
  assert.equal(r.redactString(`GET /x Authorization: Bearer ${'q'.repeat(20)}`), `GET /x Authorization: Bearer ${REDACTED}`);
  const circular: Record<string, unknown> = { a: TOKEN };
  circular['self'] = circular;
  assert.deepEqual(r.redact(circular), { a: REDACTED, self: '[Circular]' });
});

test('logger: console and JSON-lines file carry no token in message, meta, nested object or stack', async () => {
  await withDir(async (dir) => {
    const r = new Redactor();
    r.register(TOKEN);
    r.register(ACCESS);
    const stream = new PassThrough();
    let consoleText = '';
    stream.on('data', (c: Buffer) => (consoleText += c.toString()));
    const logger = createLogger({ level: 'debug', dir, maxSize: 1_000_000, maxFiles: 3, console: true, redactor: r, consoleStream: stream });
    const e = new Error(`request failed: ${TOKEN}`);
    e.stack = `Error: request failed: ${TOKEN}\n    at send (client.ts:1:1) token=${ACCESS}`;
    logger.info(`starting with token ${TOKEN}`);
    logger.warn('meta', { token: TOKEN, company: { id: 'acme', auth: { accessToken: ACCESS, note: `t=${TOKEN}` } } });
    logger.error('failure', { error: e });
    logger.error(e);
    await closeLogger(logger);
    const file = await readFile(join(dir, 'agent.log'), 'utf8');
    const lines = file.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    assert.equal(lines.length, 4);
    assert.equal(lines[0]!.message, `starting with token ${REDACTED}`);
    assert.equal(lines[0]!.level, 'info');
    assert.ok(typeof lines[0]!.timestamp === 'string');
    assert.equal(lines[1]!.token, REDACTED);
    assert.deepEqual(lines[1]!.company, { id: 'acme', auth: { accessToken: REDACTED, note: `t=${REDACTED}` } });
    assert.match(lines[2]!.error.stack, /token=\[REDACTED\]/);
    assert.match(lines[3]!.stack, /^Error: request failed: \[REDACTED\]/);
    for (const text of [file, consoleText]) {
      assert.ok(!text.includes(TOKEN), text);
      assert.ok(!text.includes(ACCESS), text);
    }
    assert.match(consoleText, /^\d\d:\d\d:\d\d\.\d{3} info  starting with token \[REDACTED\]\n/);
  });
});

test('logger: the JSON-lines file rotates at maxSize and keeps maxFiles', async () => {
  await withDir(async (dir) => {
    const logger = createLogger({ level: 'info', dir, maxSize: 2000, maxFiles: 3, console: false, redactor: new Redactor() });
    for (let i = 0; i < 200; i++) logger.info(`line ${i} ${'x'.repeat(80)}`);
    await closeLogger(logger);
    const files = (await readdir(dir)).sort();
    assert.ok(files.length >= 2 && files.length <= 3, files.join(','));
    assert.ok(files.includes('agent.log'));
    assert.deepEqual(files, ['agent.1.log', 'agent.2.log', 'agent.log']);
    const current = await readFile(join(dir, 'agent.log'), 'utf8');
    assert.ok(current.length <= 2200, `current file ${current.length} bytes`);
    assert.match(current.trimEnd().split('\n').pop()!, /line 199 /);
  });
});

test('events are logged as one line each with the event name', async () => {
  await withDir(async (dir) => {
    const r = new Redactor();
    r.register(TOKEN);
    const logger = createLogger({ level: 'debug', dir, maxSize: 1_000_000, maxFiles: 2, console: false, redactor: r });
    const bus = new EventBus();
    const off = logEvents(bus, logger);
    bus.emit('inbox.claimed', { file: { companyId: 'acme', inboxId: 'csv', sourceName: 'f.csv', path: '/w/claimed/x__f.csv', size: 3, sha256: 'ab'.repeat(32), claimedAt: '2026-03-02T10:00:00Z' } });
    bus.emit('ksef.accepted', { companyId: 'acme', invoice: 'FV/1', ksefNumber: 'K-1' });
    bus.emit('agent.error', { message: `auth ${TOKEN}`, code: 'KSEF_AUTH', error: new Error(TOKEN) });
    off();
    bus.emit('ksef.accepted', { companyId: 'acme', invoice: 'FV/2', ksefNumber: 'K-2' });
    await closeLogger(logger);
    const file = await readFile(join(dir, 'agent.log'), 'utf8');
    const lines = file.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    assert.deepEqual(lines.map((l) => [l.level, l.event, l.message]), [
      ['info', 'inbox.claimed', 'inbox.claimed: claimed f.csv (3 bytes, sha256 abababababab)'],
      ['info', 'ksef.accepted', 'ksef.accepted: FV/1 accepted as K-1'],
      ['error', 'agent.error', `agent.error: auth ${REDACTED}`],
    ]);
    assert.equal(lines[0]!.file.sourceName, 'f.csv');
    assert.ok(!file.includes(TOKEN));
  });
});

test('event bus: typed listeners, unsubscribe, and a throwing listener never breaks the emitter', () => {
  const failures: string[] = [];
  const bus = new EventBus({ onListenerError: (e, name) => failures.push(`${name}: ${(e as Error).message}`) });
  const got: string[] = [];
  const off = bus.on('ksef.accepted', (p) => got.push(p.ksefNumber));
  bus.on('ksef.accepted', () => {
    throw new Error('boom');
  });
  bus.emit('ksef.accepted', { companyId: 'a', invoice: 'FV/1', ksefNumber: 'K1' });
  off();
  bus.emit('ksef.accepted', { companyId: 'a', invoice: 'FV/2', ksefNumber: 'K2' });
  assert.deepEqual(got, ['K1']);
  assert.deepEqual(failures, ['ksef.accepted: boom', 'ksef.accepted: boom']);
});

test('redactor: a certificate credential — PEM private key (whole, Base64 body, any line), passphrase, PKCS#12 — never reaches a log line', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const { writeFile } = await import('node:fs/promises');
  const { readCertificate } = await import('../../src/config/read-certificate.ts');
  const { selfSigned, sealOf } = await import('../helpers/cert-fixtures.ts');
  await withDir(async (dir) => {
    const c = await selfSigned({ alg: 'ec', subject: sealOf('5265877635') });
    const PASS = 'passphrase-of-the-key-2026';
    const encrypted = c.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS }).toString();
    await writeFile(join(dir, 'cert.pem'), c.certificatePem);
    await writeFile(join(dir, 'key.pem'), encrypted);
    const r = new Redactor();
    const loaded = await readCertificate({ certificateFile: join(dir, 'cert.pem'), privateKeyFile: join(dir, 'key.pem'), passphraseEnv: 'KEY_PASS', subjectIdentifierType: 'certificateSubject' }, (s) => r.register(s), { KEY_PASS: PASS });
    const plainBody = loaded.privateKeyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
    const encBody = encrypted.split('\n').filter((l) => l && !l.startsWith('-----'));
    const out = JSON.stringify(r.redact({
      msg: `key ${loaded.privateKeyPem} pass ${PASS}`,
      line: `second line ${plainBody[1]} of the key, encrypted ${encBody[2]}`,
      body: plainBody.join(''),
      nested: { passphrase: 'short-pass', privateKeyPem: 'x'.repeat(10), pkcs12: 'MIIK' },
      error: new AgentError('CFG_CERTIFICATE_INVALID', `cannot use ${encrypted}`),
    }));
    for (const s of [PASS, ...plainBody, ...encBody, 'short-pass']) assert.ok(!out.includes(s), `${s.slice(0, 8)}… leaked: ${out}`);
    assert.ok(out.includes('CFG_CERTIFICATE_INVALID'));
    // an unrelated key is not known to the redactor: the test would see it (the check is not vacuous)
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.ok(r.redactString(other).includes(other.split('\n')[1]!));
  });
});
