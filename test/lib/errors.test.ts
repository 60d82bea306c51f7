import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { decode, isVerificationError, VerificationError } from '../../src/index.js';

describe('VerificationError', () => {
  it('carries name, code, claim and cause', () => {
    const cause = new Error('inner');
    const error = new VerificationError('ERR_CLAIM_MISSING', 'no nonce', { claim: 'nonce', cause });
    expect(error).toMatchObject({
      name: 'VerificationError',
      code: 'ERR_CLAIM_MISSING',
      claim: 'nonce',
      cause,
    });
    expect(error).toBeInstanceOf(Error);
  });

  it('is recognised across realms by name and code, where instanceof fails', () => {
    const foreign = runInNewContext(
      'Object.assign(new Error("expired"), { name: "VerificationError", code: "ERR_TOKEN_EXPIRED" })',
    ) as unknown;
    expect(foreign instanceof VerificationError).toBe(false);
    expect(isVerificationError(foreign)).toBe(true);
  });

  it.each([
    null,
    undefined,
    'ERR_TOKEN_EXPIRED',
    new Error('x'),
    { name: 'VerificationError', code: 'ERR_MADE_UP' },
  ])('does not mistake %j for one', (value) => {
    expect(isVerificationError(value)).toBe(false);
  });
});

describe('decode()', () => {
  it('reads header and payload without verifying', () => {
    const token = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1MSIsImV4cCI6MX0.c2ln';
    expect(decode(token)).toEqual({
      header: { alg: 'RS256', kid: 'k1' },
      payload: { sub: 'u1', exp: 1 },
    });
  });

  it.each(['', 'a.b', 'not a token', 'e30.e30.sig', 'eyJhbGciOiJSUzI1NiJ9.W10.c2ln'])(
    'throws ERR_TOKEN_MALFORMED for %j',
    (token) => {
      expect(() => decode(token)).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED' }));
    },
  );
});
