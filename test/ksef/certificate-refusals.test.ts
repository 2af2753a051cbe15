// The certificate endpoints' refusals are explained in words (src/ksef/certificates.ts explain());
// the error KSeF's answer made stays attached as `cause`, in both branches (250xx meanings and the
// 403 of a token login), so a caller or a log can still see the original code and HTTP status.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isKsefError } from '../../src/ksef/index.ts';
import { startClientSim } from '../helpers/client-sim.ts';

describe('certificate refusals keep the original error as cause', () => {
  it('25001 (a token login asks for enrolment data): explained, with the original KsefError as cause', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'off' } });
    try {
      await assert.rejects(t.client.certificates.enrollmentData(), (e: unknown) => {
        assert.ok(isKsefError(e));
        assert.ok(e.hasException(25001), e.message);
        assert.equal(e.kind, 'config');
        assert.match(e.message, /A KSeF token cannot request a certificate/);
        const cause = e.cause;
        assert.ok(isKsefError(cause), `cause: ${String(cause)}`);
        assert.equal(cause.code, e.code);
        assert.equal(cause.httpStatus, e.httpStatus);
        assert.ok(cause.hasException(25001));
        assert.doesNotMatch(cause.message, /A KSeF token cannot request a certificate/, 'the cause is KSeF\'s own answer, not the explanation');
        return true;
      });
    } finally {
      await t.close();
    }
  });

  it('403 (a token login revokes a certificate): explained, with the original KsefError as cause', async () => {
    const t = await startClientSim({ sim: { rateLimits: 'off' } });
    try {
      await assert.rejects(t.client.certificates.revoke('0123456789ABCDEF', 'Unspecified'), (e: unknown) => {
        assert.ok(isKsefError(e));
        assert.equal(e.code, 'KSEF_FORBIDDEN');
        assert.match(e.message, /KSeF refuses it to KSeF-token logins/);
        assert.ok(isKsefError(e.cause), `cause: ${String(e.cause)}`);
        assert.equal(e.cause.code, 'KSEF_FORBIDDEN');
        assert.equal(e.cause.httpStatus, 403);
        return true;
      });
    } finally {
      await t.close();
    }
  });
});
