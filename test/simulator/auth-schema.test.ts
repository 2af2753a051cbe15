import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authSchemaDir } from '../../src/simulator/auth-schema.ts';

test('auth XSDs: a folder named by the option must hold them (no silent skip of the schema check); unnamed, the shared folder is used', () => {
  assert.throws(() => authSchemaDir('/nonexistent/xsd'), /authSchemaDir names \/nonexistent\/xsd, which does not hold schemat_auth_v2-1\.xsd/);
  assert.match(authSchemaDir() ?? '', /shared\/schemas\/auth$/);
});
