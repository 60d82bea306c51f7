import { beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { createVerifier, isVerificationError, localJwks, type Algorithm } from '../../src/index.js';
import { screenKeySet } from '../../src/keys/guard.js';
import { codeOf, refusal } from '../helpers/outcome.js';
import { AUDIENCE, ISSUER, makeKey, sign, signRaw, type TestKey } from '../helpers/keys.js';

// The key guard (src/keys/guard.ts) seen through createVerifier and localJwks: each key below
// would verify its token if the rule were gone, so each case fails when its mutant is applied.

const ALGS: Algorithm[] = ['RS256', 'ES256', 'ES384', 'ES512', 'EdDSA'];
let rsa: TestKey;
let keys: Record<string, TestKey>;
beforeAll(async () => {
  const [r, p256, p384, p521, ed] = await Promise.all([
    makeKey('rsa'),
    makeKey('P-256', 'ES256'),
    makeKey('P-384', 'ES384'),
    makeKey('P-521', 'ES512'),
    makeKey('Ed25519', 'EdDSA'),
  ]);
  rsa = r;
  keys = { 'P-256': p256, 'P-384': p384, 'P-521': p521, Ed25519: ed };
});

/** How a token fares against a set holding `jwks`; inline keys may be refused at creation. */
async function outcomeOf(jwks: object[], token: string): Promise<string> {
  try {
    return await codeOf(
      createVerifier({
        keys: localJwks({ keys: jwks }),
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ALGS,
      }).verify(token),
    );
  } catch (error) {
    return isVerificationError(error) ? error.code : `not a VerificationError: ${String(error)}`;
  }
}
const outcomeWith = (jwk: object, token: string) => outcomeOf([jwk], token);

const padded = (value: string, zeros = 1) =>
  Buffer.concat([Buffer.alloc(zeros), Buffer.from(value, 'base64url')]).toString('base64url');
const trimmed = (value: string) =>
  Buffer.from(value, 'base64url').subarray(1).toString('base64url');

describe('only signature keys for verifying are used', () => {
  // Kills the key_ops filter removed (or its Array.isArray test): a key published for
  // encryption only must not verify anything (RFC 7517 §4.3).
  it.each([[['encrypt']], [['sign']], [[]], ['verify']])(
    'leaves out a key whose key_ops is %j',
    async (keyOps) => {
      const token = await sign(rsa);
      expect(await outcomeWith({ ...rsa.publicJwk, key_ops: keyOps }, token)).toBe(
        'ERR_KEY_NOT_FOUND',
      );
    },
  );

  it.each([[['verify']], [['sign', 'verify']]])('uses a key whose key_ops is %j', async (ops) => {
    expect(await outcomeWith({ ...rsa.publicJwk, key_ops: ops }, await sign(rsa))).toBe('OK');
  });

  // Kills the `use` filter removed: RFC 7517 §4.2, "enc" keys are for encryption.
  it('leaves out a key whose use is "enc"', async () => {
    expect(await outcomeWith({ ...rsa.publicJwk, use: 'enc' }, await sign(rsa))).toBe(
      'ERR_KEY_NOT_FOUND',
    );
  });

  // Kills the kty filter removed: an entry of a type tokenward does not verify with is
  // ignored (the other keys still work), not a failure of the whole set.
  it.each([{ kty: 'XYZ' }, { kty: 42 }, {}])('ignores an entry %j beside a good key', (entry) => {
    const set = screenKeySet([{ ...entry, kid: 'odd' }, rsa.publicJwk], 'The test set');
    expect(set.keys).toEqual([rsa.publicJwk]);
    expect(set.refused).toEqual({});
  });
});

describe('a set is a list of JSON objects', () => {
  // Kills the entry-shape rule removed, or any of its three tests alone: a null entry would
  // reach the member checks (a raw TypeError), a string or an array would pass unnoticed.
  it.each([[null], ['key'], [42], [[{ kty: 'RSA' }]]])(
    'refuses the whole set for an entry %j',
    (entry) => {
      expect(() => screenKeySet([entry, rsa.publicJwk], 'The set')).toThrow(
        expect.objectContaining({
          code: 'ERR_KEY_INVALID',
          message: expect.stringMatching(/not a JSON object/),
        }),
      );
    },
  );

  // Kills `size === undefined ||` dropped: a curve the table does not list (Ed448) is left to
  // the crypto provider, not refused for want of a size.
  it('keeps a key on a curve whose size the guard does not check', () => {
    const ed448 = { kty: 'OKP', crv: 'Ed448', kid: 'ed448', x: 'A'.repeat(76) };
    expect(screenKeySet([ed448], 'The set').keys).toEqual([ed448]);
  });
});

describe('symmetric and private material refuses the whole set', () => {
  // Kills either half of `jwk.kty === 'oct' || jwk.k !== undefined` removed alone.
  it.each([
    ['kty "oct" without k', { kty: 'oct', kid: 'h' }],
    ['a k member on an RSA key', { k: 'c2VjcmV0' }],
    ['an empty k', { k: '' }],
  ])('%s', async (_, member) => {
    const jwk = 'kty' in member ? member : { ...rsa.publicJwk, ...member };
    expect(await outcomeOf([jwk, rsa.publicJwk], await sign(rsa))).toBe('ERR_KEY_INVALID');
    expect(() => screenKeySet([rsa.publicJwk, jwk], 'The set')).toThrow(/symmetric/);
  });
});

describe('EC and OKP coordinates are exactly the curve size', () => {
  // Kills the coordinate rule checking x only, and P-384, P-521 or Ed25519 dropped from its
  // table. WebCrypto and node:crypto import a zero-padded EC coordinate as the same point, so
  // without the rule such a key verifies; WebCrypto refuses a padded Ed25519 key itself, so
  // there the guard's refusal shows in the screened set.
  it.each(['P-256', 'P-384', 'P-521'])('%s: refuses x or y one zero byte long', async (crv) => {
    const key = keys[crv]!;
    const token = await sign(key);
    expect(await outcomeWith(key.publicJwk, token)).toBe('OK');
    for (const coordinate of ['x', 'y'] as const) {
      const jwk = { ...key.publicJwk, [coordinate]: padded(key.publicJwk[coordinate]!) };
      expect(await outcomeWith(jwk, token), coordinate).toBe('ERR_KEY_INVALID');
    }
  });

  it.each(['P-256', 'P-384', 'P-521', 'Ed25519'])(
    '%s: leaves out x or y a byte long or short',
    (crv) => {
      const jwk = keys[crv]!.publicJwk as JWK & { kid: string };
      const coordinates = jwk.y === undefined ? (['x'] as const) : (['x', 'y'] as const);
      expect(screenKeySet([jwk], 'The set').keys).toEqual([jwk]);
      for (const c of coordinates) {
        for (const wrong of [padded(jwk[c]!), trimmed(jwk[c]!)]) {
          const screened = screenKeySet([{ ...jwk, [c]: wrong }], 'The set');
          expect(screened.keys, `${c} ${wrong.length}`).toEqual([]);
          expect(screened.refused[jwk.kid]).toMatch(/coordinates/);
        }
      }
    },
  );
});

describe('the 2048-bit RSA minimum counts significant bits', () => {
  const claims = () =>
    JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 });

  // Kills `bits < MIN_RSA_BITS` → `<=`, and the bit count off by one either way.
  it('verifies with a 2048-bit key and refuses a 2047-bit one', async () => {
    const [exact, short] = await Promise.all([
      makeKey('exact', 'RS256', 2048),
      makeKey('short', 'RS256', 2047),
    ]);
    const exactToken = await signRaw(exact, { alg: 'RS256', kid: 'exact' }, claims());
    expect(await outcomeWith(exact.publicJwk, exactToken)).toBe('OK');
    const shortToken = await signRaw(short, { alg: 'RS256', kid: 'short' }, claims());
    const error = await refusal(
      createVerifier({
        keys: localJwks(short.publicJwk),
        issuer: ISSUER,
        audience: AUDIENCE,
      }).verify(shortToken),
    );
    expect([error.code, error.message]).toEqual([
      'ERR_KEY_INVALID',
      expect.stringMatching(/2047-bit RSA key/),
    ]);
  });

  // Kills the leading-zero skip of rsaModulusBits removed: a 1024-bit modulus written with 129
  // zero octets in front (257 octets, which WebCrypto imports as the same key) must not pass as
  // 2048 bits; counted from the first octet, it would ((257 - 1) * 8 + 0 bits of the zero).
  it('refuses a zero-padded 1024-bit modulus, and takes a zero-padded 2048-bit one', async () => {
    const weak = await makeKey('weak', 'RS256', 1024);
    const weakToken = await signRaw(weak, { alg: 'RS256', kid: 'weak' }, claims());
    const weakPadded = { ...weak.publicJwk, n: padded(weak.publicJwk.n!, 129) };
    expect(await outcomeWith(weakPadded, weakToken)).toBe('ERR_KEY_INVALID');
    const rsaPadded = { ...rsa.publicJwk, n: padded(rsa.publicJwk.n!, 1) };
    expect(await outcomeWith(rsaPadded, await sign(rsa))).toBe('OK');
  });

  it('refuses a modulus of zeros only', () => {
    const zeros = Buffer.alloc(256).toString('base64url');
    const screened = screenKeySet([{ ...rsa.publicJwk, n: zeros }], 'The set');
    expect(screened.keys).toEqual([]);
    expect(screened.refused.rsa).toMatch(/0-bit RSA key/);
  });
});
