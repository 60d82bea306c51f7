import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccessTokenVerifier,
  localJwks,
  type AccessTokenChecks,
  type AccessTokenVerifierOptions,
  type VerifierEvent,
} from '../../src/index.js';
import { codeAndClaim } from '../helpers/outcome.js';
import { KeyServer } from '../helpers/key-server.js';
import { makeKey, sign, signRaw, type TestKey } from '../helpers/keys.js';

const API = 'https://api.example.com';
let server: KeyServer;
let key: TestKey;
let issuer: string;

beforeAll(async () => {
  server = await new KeyServer().start();
  issuer = server.url;
  key = await makeKey('as-1');
});
afterAll(() => server.stop());
afterEach(() => server.reset());

function serveAuthorizationServer() {
  server.json('/.well-known/openid-configuration', { issuer, jwks_uri: `${issuer}/jwks` });
  server.json('/jwks', { keys: [key.publicJwk] });
}

const accessToken = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  sign(
    key,
    {
      iss: issuer,
      aud: API,
      sub: 'user-7',
      client_id: 'web-app',
      jti: crypto.randomUUID(),
      scope: 'orders:read orders:write profile',
      ...claims,
    },
    { typ: 'at+jwt', ...header },
  );

const verifier = (options: Partial<AccessTokenVerifierOptions> = {}) =>
  createAccessTokenVerifier({
    issuer,
    audience: API,
    keys: localJwks({ keys: [key.publicJwk] }),
    ...options,
  });

describe('createAccessTokenVerifier', () => {
  it('finds the keys through discovery by default and verifies an at+jwt access token', async () => {
    serveAuthorizationServer();
    const v = createAccessTokenVerifier({ issuer, audience: API });
    const { payload, header } = await v.verify(await accessToken());
    expect([payload.client_id, header.typ]).toEqual(['web-app', 'at+jwt']);
    expect(server.count('/.well-known/openid-configuration')).toBe(1);
  });

  it.each(['at+jwt', 'application/at+jwt', 'AT+JWT', 'Application/At+Jwt'])(
    'accepts typ %s (media types compare case-insensitively, RFC 9068 §2.1)',
    async (typ) => {
      await expect(verifier().verify(await accessToken({}, { typ }))).resolves.toBeTruthy();
    },
  );

  it.each([undefined, 'JWT', 'jwt', 'application/jwt', 'logout+jwt', 'at+jwt2', 'dpop+jwt'])(
    'refuses typ %s: an ID token or another JWT from the same issuer is not an access token',
    async (typ) => {
      expect(await codeAndClaim(verifier().verify(await accessToken({}, { typ })))).toEqual([
        'ERR_CLAIM_INVALID',
        'typ',
      ]);
    },
  );

  it('refuses an ID token of the same issuer, signed with the same key', async () => {
    const idToken = await sign(key, { iss: issuer, aud: API, sub: 'user-7', nonce: 'n' });
    expect(await codeAndClaim(verifier().verify(idToken))).toEqual(['ERR_CLAIM_INVALID', 'typ']);
  });

  it.each(['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'])(
    'requires %s (RFC 9068 §2.2)',
    async (claim) => {
      expect(
        await codeAndClaim(verifier().verify(await accessToken({ [claim]: undefined }))),
      ).toEqual(['ERR_CLAIM_MISSING', claim]);
    },
  );

  it('requires iss to equal the issuer exactly and aud to name this API', async () => {
    expect(await codeAndClaim(verifier().verify(await accessToken({ iss: `${issuer}/` })))).toEqual(
      ['ERR_CLAIM_INVALID', 'iss'],
    );
    expect(
      await codeAndClaim(verifier().verify(await accessToken({ aud: 'https://other.api' }))),
    ).toEqual(['ERR_CLAIM_INVALID', 'aud']);
    await expect(
      verifier().verify(await accessToken({ aud: ['https://other.api', API] })),
    ).resolves.toBeTruthy();
    await expect(
      verifier({ audience: ['https://a.api', API] }).verify(await accessToken()),
    ).resolves.toBeTruthy();
  });

  it('refuses an expired token, and checks the signature', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      await codeAndClaim(verifier().verify(await accessToken({ iat: now - 700, exp: now - 100 }))),
    ).toEqual(['ERR_TOKEN_EXPIRED', 'exp']);
    const other = await makeKey('as-1');
    const forged = await sign(
      other,
      { iss: issuer, aud: API, sub: 'u', client_id: 'c', jti: 'j' },
      { typ: 'at+jwt' },
    );
    await expect(verifier().verify(forged)).rejects.toMatchObject({
      code: 'ERR_SIGNATURE_INVALID',
    });
  });

  it('refuses a client_id that is not a string', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signRaw(
      key,
      { alg: 'RS256', kid: key.kid, typ: 'at+jwt' },
      JSON.stringify({
        iss: issuer,
        aud: API,
        sub: 'u',
        client_id: 42,
        jti: 'j',
        iat: now,
        exp: now + 60,
      }),
    );
    expect(await codeAndClaim(verifier().verify(token))).toEqual([
      'ERR_CLAIM_INVALID',
      'client_id',
    ]);
  });

  it('checks clientId when a call names the clients it allows', async () => {
    const v = verifier();
    const token = await accessToken();
    await expect(v.verify(token, { clientId: 'web-app' })).resolves.toBeTruthy();
    await expect(v.verify(token, { clientId: ['cli', 'web-app'] })).resolves.toBeTruthy();
    expect(await codeAndClaim(v.verify(token, { clientId: 'cli' }))).toEqual([
      'ERR_CLAIM_INVALID',
      'client_id',
    ]);
  });

  it('keeps requiredClaims added by the user on top of the RFC 9068 set', async () => {
    const v = verifier({ requiredClaims: ['tenant'] });
    expect(await codeAndClaim(v.verify(await accessToken()))).toEqual([
      'ERR_CLAIM_MISSING',
      'tenant',
    ]);
    expect(
      await codeAndClaim(v.verify(await accessToken({ jti: undefined, tenant: 't' }))),
    ).toEqual(['ERR_CLAIM_MISSING', 'jti']);
  });
});

describe('scopes', () => {
  it('requires every scope of `scopes`, as whole words', async () => {
    const v = verifier();
    const token = await accessToken({ scope: 'orders:read  profile' });
    await expect(v.verify(token, { scopes: ['orders:read'] })).resolves.toBeTruthy();
    await expect(v.verify(token, { scopes: ['orders:read', 'profile'] })).resolves.toBeTruthy();
    for (const scopes of [
      ['orders:write'],
      ['orders:read', 'orders:write'],
      ['orders'],
      ['read'],
    ]) {
      expect(await codeAndClaim(v.verify(token, { scopes }))).toEqual([
        'ERR_CLAIM_INVALID',
        'scope',
      ]);
    }
  });

  it('requires one of `anyScope`, or of `scopes` with anyScope: true', async () => {
    const v = verifier();
    const token = await accessToken({ scope: 'orders:read' });
    await expect(v.verify(token, { anyScope: ['admin', 'orders:read'] })).resolves.toBeTruthy();
    await expect(
      v.verify(token, { scopes: ['admin', 'orders:read'], anyScope: true }),
    ).resolves.toBeTruthy();
    expect(await codeAndClaim(v.verify(token, { anyScope: ['admin', 'orders:write'] }))).toEqual([
      'ERR_CLAIM_INVALID',
      'scope',
    ]);
    // Both lists: every one of scopes and one of anyScope.
    expect(
      await codeAndClaim(v.verify(token, { scopes: ['profile'], anyScope: ['orders:read'] })),
    ).toEqual(['ERR_CLAIM_INVALID', 'scope']);
  });

  it('is ERR_CLAIM_MISSING without a scope claim, ERR_CLAIM_INVALID when it is not a string', async () => {
    const v = verifier();
    const noScope = await accessToken({ scope: undefined });
    await expect(v.verify(noScope)).resolves.toBeTruthy(); // nothing asked: not checked
    expect(await codeAndClaim(v.verify(noScope, { scopes: ['a'] }))).toEqual([
      'ERR_CLAIM_MISSING',
      'scope',
    ]);
    expect(
      await codeAndClaim(v.verify(await accessToken({ scope: ['a'] }), { anyScope: ['a'] })),
    ).toEqual(['ERR_CLAIM_INVALID', 'scope']);
  });

  it('checks every call against its own scopes, memo hits included', async () => {
    const events: VerifierEvent[] = [];
    const v = verifier({ onEvent: (e) => events.push(e) });
    const token = await accessToken({ scope: 'orders:read' });
    await expect(v.verify(token, { scopes: ['orders:read'] })).resolves.toBeTruthy();
    expect(await codeAndClaim(v.verify(token, { scopes: ['orders:write'] }))).toEqual([
      'ERR_CLAIM_INVALID',
      'scope',
    ]);
    expect(await codeAndClaim(v.verify(token, { clientId: 'cli' }))).toEqual([
      'ERR_CLAIM_INVALID',
      'client_id',
    ]);
    await expect(v.verify(token)).resolves.toBeTruthy();
    expect(events.filter((e) => e.type === 'token:rejected')).toEqual([
      { type: 'token:rejected', code: 'ERR_CLAIM_INVALID', claim: 'scope' },
      { type: 'token:rejected', code: 'ERR_CLAIM_INVALID', claim: 'client_id' },
    ]);
  });

  it.each<[string, AccessTokenChecks]>([
    ['a scope with a space', { scopes: ['orders:read orders:write'] }],
    ['an empty scope', { scopes: [''] }],
    ['scopes not an array', { scopes: 'orders:read' as unknown as string[] }],
    ['anyScope empty', { anyScope: [] }],
    ['anyScope: true without scopes', { anyScope: true }],
    ['clientId empty', { clientId: '' }],
    ['clientId []', { clientId: [] }],
  ])('refuses %s with a TypeError', async (_, checks) => {
    await expect(verifier().verify(await accessToken(), checks)).rejects.toThrow(TypeError);
  });
});

describe('configuration', () => {
  it.each<[string, Record<string, unknown>]>([
    ['no issuer', { issuer: undefined }],
    ['issuer null', { issuer: null }],
    ['audience null', { audience: null }],
    ['no audience', { audience: undefined }],
    ['a typ of its own', { typ: 'JWT' }],
    ['requiredClaims not an array', { requiredClaims: 'scope' }],
  ])('throws a TypeError at creation for %s', (_, options) => {
    expect(() =>
      createAccessTokenVerifier({
        issuer,
        audience: API,
        ...options,
      } as unknown as AccessTokenVerifierOptions),
    ).toThrow(TypeError);
  });
});
