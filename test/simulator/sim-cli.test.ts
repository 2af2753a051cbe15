import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/sim.ts', import.meta.url));

test('`sim` prints the base URL on its first line, serves KSeF there, stops on SIGTERM', async () => {
  // Only the sim command is composed here, so the test does not depend on the other commands.
  const script = `import { Command } from 'commander'; import { registerSimCommand } from ${JSON.stringify(CLI)};
    const p = new Command(); registerSimCommand(p); await p.parseAsync(process.argv);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'x', 'sim', '--port', '0', '--token', '5265877635=abc', '--rate-limits', 'relaxed', '--incoming', '5265877635=3'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = (await lines.next()).value as string;
    const m = /(http:\/\/127\.0\.0\.1:\d+\/v2)/.exec(first);
    assert.ok(m, first);
    assert.equal((await lines.next()).value, 'token registered for NIP 5265877635');
    assert.equal((await lines.next()).value, 'generated 3 purchase invoices for NIP 5265877635');
    const keys = await fetch(`${m[1]}/security/public-key-certificates`);
    assert.equal(keys.status, 200);
    assert.equal(((await keys.json()) as unknown[]).length, 2);
    const health = await (await fetch(m[1]!.replace('/v2', '/_sim/health'))).json();
    assert.equal(health.rateLimits, 'relaxed');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
