import { describe, expect, it } from 'vitest';
import { checkClaims, checkTimes, type ClaimPolicy } from '../../src/verify/claims.js';
import { createVerifier, isVerificationError, localJwks } from '../../src/index.js';
import { AUDIENCE, ISSUER, makeKey, sign } from '../helpers/keys.js';

const NOW = 1_800_000_000;
const policy = (extra: Partial<ClaimPolicy> = {}): ClaimPolicy => ({
  algorithms: ['RS256'],
  issuer: ISSUER,
  audience: AUDIENCE,
  leeway: 0,
  requiredClaims: ['exp'],
  ...extra,
});
const good = { iss: ISSUER, aud: AUDIENCE, sub: 'u', iat: NOW - 10, exp: NOW + 60 };

function outcome(payload: Record<string, unknown>, rules = policy(), typ?: string): string {
  try {
    checkClaims(payload, typ === undefined ? { alg: 'RS256' } : { alg: 'RS256', typ }, rules, NOW);
    return 'OK';
  } catch (error) {
    if (!isVerificationError(error)) throw error;
    return `${error.code} ${error.claim}`;
  }
}

describe('checkClaims: every claim rule in one place', () => {
  it('accepts a good token, and an aud array that contains an accepted audience', () => {
    expect(outcome(good)).toBe('OK');
    expect(outcome({ ...good, aud: ['other', AUDIENCE] })).toBe('OK');
    expect(outcome(good, policy({ issuer: ['x', ISSUER], audience: ['y', AUDIENCE] }))).toBe('OK');
  });

  it.each([
    [{ ...good, iss: 'https://evil.test' }, 'ERR_CLAIM_INVALID iss'],
    [{ ...good, aud: 'other' }, 'ERR_CLAIM_INVALID aud'],
    [{ ...good, aud: [] }, 'ERR_CLAIM_INVALID aud'],
    [{ ...good, iss: undefined }, 'ERR_CLAIM_MISSING iss'],
    [{ ...good, exp: undefined }, 'ERR_CLAIM_MISSING exp'],
    [{ ...good, iss: 42 }, 'ERR_CLAIM_INVALID iss'],
    [{ ...good, exp: '1800000060' }, 'ERR_CLAIM_INVALID exp'],
    [{ ...good, nbf: Number.POSITIVE_INFINITY }, 'ERR_CLAIM_INVALID nbf'],
    [{ ...good, aud: [AUDIENCE, 7] }, 'ERR_CLAIM_INVALID aud'],
    [{ ...good, exp: NOW }, 'ERR_TOKEN_EXPIRED exp'],
    [{ ...good, nbf: NOW + 5 }, 'ERR_TOKEN_NOT_YET_VALID nbf'],
    [{ ...good, iat: NOW + 5 }, 'ERR_TOKEN_NOT_YET_VALID iat'],
  ])('%j → %s', (payload, expected) => {
    const present = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
    expect(outcome(present)).toBe(expected);
  });

  it('skips iss and aud only when told to with null', () => {
    const open = policy({ issuer: null, audience: null });
    expect(outcome({ exp: NOW + 60 }, open)).toBe('OK');
  });

  it('applies subject, typ (case-insensitive, application/ optional) and requiredClaims', () => {
    expect(outcome(good, policy({ subject: 'u' }))).toBe('OK');
    expect(outcome(good, policy({ subject: 'v' }))).toBe('ERR_CLAIM_INVALID sub');
    expect(outcome(good, policy({ typ: 'at+jwt' }), 'application/AT+JWT')).toBe('OK');
    expect(outcome(good, policy({ typ: 'at+jwt' }), 'JWT')).toBe('ERR_CLAIM_INVALID typ');
    expect(outcome(good, policy({ typ: 'at+jwt' }))).toBe('ERR_CLAIM_INVALID typ');
    expect(outcome(good, policy({ requiredClaims: ['exp', 'jti'] }))).toBe('ERR_CLAIM_MISSING jti');
  });

  it('applies leeway to exp, nbf and iat, and maxTokenAge to iat', () => {
    const lenient = policy({ leeway: 10 });
    expect(outcome({ ...good, exp: NOW - 5 }, lenient)).toBe('OK');
    expect(outcome({ ...good, nbf: NOW + 5, iat: NOW + 5 }, lenient)).toBe('OK');
    const young = policy({ maxTokenAge: 5 });
    expect(outcome(good, young)).toBe('ERR_CLAIM_INVALID iat');
    const { iat: _, ...noIat } = good;
    expect(outcome(noIat, young)).toBe('ERR_CLAIM_MISSING iat');
  });

  it('times alone (a memo hit) use the same rule and words', () => {
    const expired = { ...good, exp: NOW - 3 };
    const viaClaims = (() => {
      try {
        checkClaims(expired, { alg: 'RS256' }, policy(), NOW);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(() => checkTimes(expired, policy(), NOW)).toThrow(viaClaims!);
    expect(viaClaims).toBe('The token expired 3s ago; get a fresh one.');
  });
});

describe('a full verify and a memo hit refuse the same token the same way', () => {
  it('gives the same code and message once the token expires', async () => {
    const key = await makeKey('same-words');
    let now = Date.now();
    const issued = Math.floor(now / 1000);
    const token = await sign(key, { iat: issued, exp: issued + 60 }, {}, issued);
    const options = {
      keys: localJwks({ keys: [key.publicJwk] }),
      issuer: ISSUER,
      audience: AUDIENCE,
      clock: () => now,
    };
    const remembering = createVerifier(options);
    await remembering.verify(token); // remembered
    now += 120_000;
    const fromMemo = (await remembering.verify(token).catch((e: Error) => e)) as Error;
    const fromScratch = (await createVerifier({ ...options, memo: false })
      .verify(token)
      .catch((e: Error) => e)) as Error;
    expect(isVerificationError(fromMemo) && fromMemo.code).toBe('ERR_TOKEN_EXPIRED');
    expect([fromMemo.message, (fromMemo as { claim?: string }).claim]).toEqual([
      fromScratch.message,
      (fromScratch as { claim?: string }).claim,
    ]);
  });
});
