import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, localJwks, type VerifierOptions } from '../../src/index.js';
import { codeOf, refusal } from '../helpers/outcome.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';

// Every time limit of the claim rules at its exact edge, and iss/aud compared whole, through
// createVerifier with an injected clock (milliseconds: the verifier counts whole seconds).
// Each case names the mutant of src/verify/claims.ts (or verifier.ts) it kills.

const T = 1_800_000_000; // a second on the issuer's clock
let key: TestKey;
beforeAll(async () => {
  key = await makeKey('edges', 'ES256');
});

const at = (ms: number, options: Partial<VerifierOptions> = {}) =>
  createVerifier({
    keys: localJwks(key.publicJwk),
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    memo: false,
    clock: () => ms,
    ...options,
  });

// A token with exactly these claims (sign() fills in iss, aud, iat, exp unless told otherwise).
const token = (claims: Record<string, unknown>) =>
  sign(key, { iat: undefined, exp: undefined, ...claims });

describe('exp, nbf and iat at the second they start or stop counting', () => {
  // Kills `exp <= now - leeway` → `exp < now - leeway`, and the Math.floor of the verifier's
  // clock turned into rounding up: the last millisecond before exp still counts as before it.
  it('a token is good up to the last millisecond before exp, and expired at exp', async () => {
    const expiring = await token({ exp: T });
    expect(await codeOf(at(T * 1000 - 1).verify(expiring))).toBe('OK');
    expect(await codeOf(at(T * 1000).verify(expiring))).toBe('ERR_TOKEN_EXPIRED');
  });

  // Kills `now - leeway` → `now + leeway` and leeway dropped from the exp rule.
  it('with leeway, a token is good until exp + leeway, and expired at it', async () => {
    const expiring = await token({ exp: T });
    expect(await codeOf(at((T + 30) * 1000 - 1, { leeway: 30 }).verify(expiring))).toBe('OK');
    expect(await codeOf(at((T + 30) * 1000, { leeway: 30 }).verify(expiring))).toBe(
      'ERR_TOKEN_EXPIRED',
    );
  });

  // Kills `nbf > now + leeway` → `>=`, → `now - leeway`, and the rule removed.
  it.each([0, 30])('nbf counts from nbf - leeway (leeway %ss)', async (leeway) => {
    const early = await token({ nbf: T, exp: T + 600 });
    const start = (T - leeway) * 1000;
    expect(await codeOf(at(start, { leeway }).verify(early))).toBe('OK');
    const error = await refusal(at(start - 1, { leeway }).verify(early));
    expect([error.code, error.claim]).toEqual(['ERR_TOKEN_NOT_YET_VALID', 'nbf']);
  });

  // Kills `iat > now + leeway` → `>=`, → `now - leeway`, and the rule removed.
  it.each([0, 30])('iat counts from iat - leeway (leeway %ss)', async (leeway) => {
    const issued = await token({ iat: T, exp: T + 600 });
    const start = (T - leeway) * 1000;
    expect(await codeOf(at(start, { leeway }).verify(issued))).toBe('OK');
    const error = await refusal(at(start - 1, { leeway }).verify(issued));
    expect([error.code, error.claim]).toEqual(['ERR_TOKEN_NOT_YET_VALID', 'iat']);
  });

  // Kills `now - iat - leeway > maxTokenAge` → `>=`, the leeway sign flipped or dropped.
  it.each([0, 10])(
    'maxTokenAge holds up to iat + maxTokenAge + leeway (leeway %ss)',
    async (leeway) => {
      const issued = await token({ iat: T, exp: T + 3600 });
      const options = { maxTokenAge: 60, leeway };
      const last = (T + 60 + leeway + 1) * 1000 - 1;
      expect(await codeOf(at(last, options).verify(issued))).toBe('OK');
      const error = await refusal(at(last + 1, options).verify(issued));
      expect([error.code, error.claim]).toEqual(['ERR_CLAIM_INVALID', 'iat']);
    },
  );

  // The memo re-checks the times on every hit (checkTimes in verifier.ts's recheck): removing
  // that call, or catching its refusal, would keep a remembered token alive past exp.
  it('a remembered token expires at the same millisecond as a fresh verify', async () => {
    let now = T * 1000 - 1;
    const remembering = at(0, { memo: { max: 10 }, clock: () => now });
    const expiring = await token({ exp: T });
    expect(await codeOf(remembering.verify(expiring))).toBe('OK');
    expect(await codeOf(remembering.verify(expiring))).toBe('OK'); // a memo hit
    now += 1;
    expect(await codeOf(remembering.verify(expiring))).toBe('ERR_TOKEN_EXPIRED');
    now -= 1; // forgotten once refused: the next verify checks everything again
    expect(await codeOf(remembering.verify(expiring))).toBe('OK');
  });
});

describe('iss and aud match whole values, never a part of one', () => {
  const good = { exp: T + 600 };
  // Kills the `typeof accepted === 'string'` branch of oneOf removed: a string issuer or
  // audience would then match by String.prototype.includes, so a prefix or '' would pass.
  it.each([
    ['a prefix of the issuer', { iss: ISSUER.slice(0, -1) }, 'iss'],
    ['an empty iss', { iss: '' }, 'iss'],
    ['the issuer with a trailing slash', { iss: `${ISSUER}/` }, 'iss'],
    ['a part of the audience', { aud: AUDIENCE.slice(0, 9) }, 'aud'],
    ['an empty aud', { aud: '' }, 'aud'],
    ['an aud array holding a part of the audience', { aud: [AUDIENCE.slice(1)] }, 'aud'],
  ])('refuses %s', async (_, claims, claim) => {
    const error = await refusal(at(T * 1000).verify(await token({ ...good, ...claims })));
    expect([error.code, error.claim]).toEqual(['ERR_CLAIM_INVALID', claim]);
  });

  it('refuses a part of one of several accepted values, and takes the whole one', async () => {
    const options = { issuer: ['https://a.test', ISSUER], audience: ['x-api', AUDIENCE] };
    const partial = await token({ ...good, iss: 'https://a.tes' });
    expect(await codeOf(at(T * 1000, options).verify(partial))).toBe('ERR_CLAIM_INVALID');
    const whole = await token({ ...good, iss: 'https://a.test', aud: ['y', 'x-api'] });
    expect(await codeOf(at(T * 1000, options).verify(whole))).toBe('OK');
  });
});
