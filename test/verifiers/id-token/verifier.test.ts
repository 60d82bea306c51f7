import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createIdTokenVerifier,
  localJwks,
  type IdTokenChecks,
  type VerifierEvent,
} from '../../../src/index.js';
import { codeAndClaim } from '../../helpers/outcome.js';
import { KeyServer } from '../../helpers/key-server.js';
import { makeKey, sign, type TestKey } from '../../helpers/keys.js';

const CLIENT = 'spa-client';
let server: KeyServer;
let rs: TestKey;
let es384: TestKey;
let ed: TestKey;
let issuer: string;

beforeAll(async () => {
  server = await new KeyServer().start();
  issuer = server.url;
  [rs, es384, ed] = await Promise.all([
    makeKey('rs'),
    makeKey('es', 'ES384'),
    makeKey('ed', 'EdDSA'),
  ]);
});
afterAll(() => server.stop());
afterEach(() => server.reset());

function serveProvider(algs: string[] | undefined = ['RS256']) {
  server.json('/.well-known/openid-configuration', {
    issuer,
    jwks_uri: `${issuer}/jwks`,
    ...(algs ? { id_token_signing_alg_values_supported: algs } : {}),
  });
  server.json('/jwks', { keys: [rs.publicJwk, es384.publicJwk, ed.publicJwk] });
}

const idToken = (claims: Record<string, unknown> = {}, key = rs) =>
  sign(key, { iss: issuer, aud: CLIENT, sub: 'alice', ...claims });

// Independent of the code under test: node:crypto, not WebCrypto.
const leftHalf = (value: string, hash: 'sha256' | 'sha384' | 'sha512') => {
  const digest = createHash(hash).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
};

describe('createIdTokenVerifier', () => {
  it('uses discovery by default and verifies a valid ID token', async () => {
    serveProvider();
    const v = createIdTokenVerifier({ issuer, clientId: CLIENT });
    const { payload } = await v.verify(await idToken());
    expect(payload.sub).toBe('alice');
    expect(server.count('/.well-known/openid-configuration')).toBe(1);
  });

  it('requires iss to equal the issuer exactly, and sub, exp, iat to be present', async () => {
    serveProvider();
    const v = createIdTokenVerifier({ issuer, clientId: CLIENT });
    expect(await codeAndClaim(v.verify(await idToken({ iss: `${issuer}/` })))).toEqual([
      'ERR_CLAIM_INVALID',
      'iss',
    ]);
    expect(await codeAndClaim(v.verify(await idToken({ sub: undefined })))).toEqual([
      'ERR_CLAIM_MISSING',
      'sub',
    ]);
    expect(await codeAndClaim(v.verify(await idToken({ iat: undefined })))).toEqual([
      'ERR_CLAIM_MISSING',
      'iat',
    ]);
    expect(await codeAndClaim(v.verify(await idToken({ exp: undefined })))).toEqual([
      'ERR_CLAIM_MISSING',
      'exp',
    ]);
  });

  it('checks aud and azp', async () => {
    serveProvider();
    const v = createIdTokenVerifier({ issuer, clientId: CLIENT });
    expect(await codeAndClaim(v.verify(await idToken({ aud: 'other' })))).toEqual([
      'ERR_CLAIM_INVALID',
      'aud',
    ]);
    expect(await codeAndClaim(v.verify(await idToken({ aud: [CLIENT, 'api'] })))).toEqual([
      'ERR_CLAIM_MISSING',
      'azp',
    ]);
    await expect(
      v.verify(await idToken({ aud: [CLIENT, 'api'], azp: CLIENT })),
    ).resolves.toBeTruthy();
    await expect(v.verify(await idToken({ aud: [CLIENT] }))).resolves.toBeTruthy(); // one audience: azp optional
    expect(await codeAndClaim(v.verify(await idToken({ azp: 'someone-else' })))).toEqual([
      'ERR_CLAIM_INVALID',
      'azp',
    ]);
  });

  it('checks the nonce when given: present, absent, wrong', async () => {
    serveProvider();
    const v = createIdTokenVerifier({ issuer, clientId: CLIENT });
    const token = await idToken({ nonce: 'n-0S6_WzA2Mj' });
    await expect(v.verify(token, { nonce: 'n-0S6_WzA2Mj' })).resolves.toBeTruthy();
    expect(await codeAndClaim(v.verify(token, { nonce: 'n-0S6_WzA2Mk' }))).toEqual([
      'ERR_CLAIM_INVALID',
      'nonce',
    ]);
    expect(await codeAndClaim(v.verify(await idToken(), { nonce: 'n' }))).toEqual([
      'ERR_CLAIM_MISSING',
      'nonce',
    ]);
    await expect(v.verify(token)).resolves.toBeTruthy(); // no nonce asked: not checked
  });

  it.each([null, undefined, ''])('refuses a lost nonce (%j) with a TypeError', async (nonce) => {
    serveProvider();
    const v = createIdTokenVerifier({ issuer, clientId: CLIENT });
    await expect(
      v.verify(await idToken({ nonce: 'x' }), { nonce } as unknown as IdTokenChecks),
    ).rejects.toThrow(TypeError);
  });

  it('checks auth_time against maxAge (0 allowed), with leeway', async () => {
    serveProvider();
    const now = Math.floor(Date.now() / 1000);
    const v = createIdTokenVerifier({ issuer, clientId: CLIENT });
    await expect(
      v.verify(await idToken({ auth_time: now - 100 }), { maxAge: '5m' }),
    ).resolves.toBeTruthy();
    expect(
      await codeAndClaim(v.verify(await idToken({ auth_time: now - 400 }), { maxAge: 300 })),
    ).toEqual(['ERR_CLAIM_INVALID', 'auth_time']);
    expect(await codeAndClaim(v.verify(await idToken(), { maxAge: 300 }))).toEqual([
      'ERR_CLAIM_MISSING',
      'auth_time',
    ]);
    expect(
      await codeAndClaim(v.verify(await idToken({ auth_time: now - 10 }), { maxAge: 0 })),
    ).toEqual(['ERR_CLAIM_INVALID', 'auth_time']);
    const lenient = createIdTokenVerifier({ issuer, clientId: CLIENT, leeway: 30 });
    await expect(
      lenient.verify(await idToken({ auth_time: now - 10 }), { maxAge: 0 }),
    ).resolves.toBeTruthy();
  });

  it.each([
    ['RS256', 'sha256'],
    ['ES384', 'sha384'],
    ['EdDSA', 'sha512'],
  ] as const)('checks at_hash and c_hash for %s with %s', async (alg, hash) => {
    serveProvider([alg]);
    const key = { RS256: rs, ES384: es384, EdDSA: ed }[alg];
    const v = createIdTokenVerifier({ issuer, clientId: CLIENT, algorithms: [alg] });
    const accessToken = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y';
    const code = 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk';
    const token = await idToken(
      { at_hash: leftHalf(accessToken, hash), c_hash: leftHalf(code, hash) },
      key,
    );
    await expect(v.verify(token, { accessToken, code })).resolves.toBeTruthy();
    expect(await codeAndClaim(v.verify(token, { accessToken: `${accessToken}x` }))).toEqual([
      'ERR_CLAIM_INVALID',
      'at_hash',
    ]);
    expect(await codeAndClaim(v.verify(token, { code: `${code}x` }))).toEqual([
      'ERR_CLAIM_INVALID',
      'c_hash',
    ]);
    await expect(v.verify(await idToken({}, key), { accessToken, code })).resolves.toBeTruthy(); // absent: not required
  });

  it('matches the OpenID Connect Core example at_hash (RS256)', async () => {
    // OIDC Core §A.3/A.4 pairs access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" with at_hash "77QmUPtjPfzWtF2AnpK9RQ".
    expect(leftHalf('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'sha256')).toBe(
      '77QmUPtjPfzWtF2AnpK9RQ',
    );
    serveProvider();
    const v = createIdTokenVerifier({ issuer, clientId: CLIENT });
    const token = await idToken({ at_hash: '77QmUPtjPfzWtF2AnpK9RQ' });
    await expect(
      v.verify(token, { accessToken: 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y' }),
    ).resolves.toBeTruthy();
  });

  it('narrows the allow-list to id_token_signing_alg_values_supported', async () => {
    serveProvider(['ES384']);
    const both = createIdTokenVerifier({
      issuer,
      clientId: CLIENT,
      algorithms: ['RS256', 'ES384'],
    });
    await expect(both.verify(await idToken({}, es384))).resolves.toBeTruthy();
    expect(await codeAndClaim(both.verify(await idToken()))).toEqual([
      'ERR_ALG_NOT_ALLOWED',
      undefined,
    ]);
    serveProvider(['PS256']);
    const nothingLeft = createIdTokenVerifier({ issuer, clientId: CLIENT });
    expect(await codeAndClaim(nothingLeft.verify(await idToken()))).toEqual([
      'ERR_ALG_NOT_ALLOWED',
      undefined,
    ]);
  });

  it('applies the per-call checks to remembered tokens too', async () => {
    serveProvider();
    const v = createIdTokenVerifier({ issuer, clientId: CLIENT });
    const token = await idToken({ nonce: 'first' });
    await v.verify(token, { nonce: 'first' });
    expect(await codeAndClaim(v.verify(token, { nonce: 'second' }))).toEqual([
      'ERR_CLAIM_INVALID',
      'nonce',
    ]);
  });

  it('accepts explicit keys, and reports refusals as events', async () => {
    const events: VerifierEvent[] = [];
    const v = createIdTokenVerifier({
      issuer,
      clientId: CLIENT,
      keys: localJwks(rs.publicJwk),
      onEvent: (e) => events.push(e),
    });
    await v.verify(await idToken({ nonce: 'a' }), { nonce: 'b' }).catch(() => undefined);
    expect(events).toContainEqual({
      type: 'token:rejected',
      code: 'ERR_CLAIM_INVALID',
      claim: 'nonce',
    });
  });

  it('refuses bad options with a TypeError', () => {
    expect(() => createIdTokenVerifier({ issuer: '', clientId: CLIENT })).toThrow(TypeError);
    expect(() => createIdTokenVerifier({ issuer, clientId: '' })).toThrow(TypeError);
    expect(() =>
      // @ts-expect-error: the types refuse HS256 too; this is the run-time guard for JavaScript.
      createIdTokenVerifier({ issuer, clientId: CLIENT, algorithms: ['HS256'] }),
    ).toThrow(TypeError);
  });
});
