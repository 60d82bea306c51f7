import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKCHANNEL_LOGOUT_EVENT,
  createLogoutTokenVerifier,
  isVerificationError,
  localJwks,
  memoryReplayStore,
  type LogoutTokenVerifierOptions,
  type ReplayStore,
} from '../../src/index.js';
import { codeAndClaim } from '../helpers/outcome.js';
import { KeyServer } from '../helpers/key-server.js';
import { makeKey, sign, signRaw, type TestKey } from '../helpers/keys.js';

const CLIENT = 'rp-1';
let server: KeyServer;
let key: TestKey;
let issuer: string;

beforeAll(async () => {
  server = await new KeyServer().start();
  issuer = server.url;
  key = await makeKey('op-1');
});
afterAll(() => server.stop());
afterEach(() => server.reset());

const logoutToken = (
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = { typ: 'logout+jwt' },
  now = Math.floor(Date.now() / 1000),
) =>
  sign(
    key,
    {
      iss: issuer,
      aud: CLIENT,
      sub: 'alice',
      sid: 'session-1',
      jti: crypto.randomUUID(),
      iat: now,
      exp: now + 120,
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      ...claims,
    },
    header,
    now,
  );

const verifier = (options: Partial<LogoutTokenVerifierOptions> = {}) =>
  createLogoutTokenVerifier({
    issuer,
    clientId: CLIENT,
    keys: localJwks({ keys: [key.publicJwk] }),
    ...options,
  });

describe('createLogoutTokenVerifier', () => {
  it('finds the keys through discovery and resolves { sub, sid, payload }', async () => {
    server.json('/.well-known/openid-configuration', { issuer, jwks_uri: `${issuer}/jwks` });
    server.json('/jwks', { keys: [key.publicJwk] });
    const v = createLogoutTokenVerifier({ issuer, clientId: CLIENT });
    const result = await v.verify(await logoutToken());
    expect([result.sub, result.sid, result.payload.aud]).toEqual(['alice', 'session-1', CLIENT]);
    expect(server.count('/.well-known/openid-configuration')).toBe(1);
    const onlySid = await v.verify(await logoutToken({ sub: undefined }));
    expect(Object.keys(onlySid).sort()).toEqual(['payload', 'sid']);
  });

  it('keeps to the algorithms the provider lists for ID tokens (§2.6 item 2)', async () => {
    server.json('/.well-known/openid-configuration', {
      issuer,
      jwks_uri: `${issuer}/jwks`,
      id_token_signing_alg_values_supported: ['ES256'],
    });
    server.json('/jwks', { keys: [key.publicJwk] });
    const v = createLogoutTokenVerifier({ issuer, clientId: CLIENT });
    await expect(v.verify(await logoutToken())).rejects.toMatchObject({
      code: 'ERR_ALG_NOT_ALLOWED',
    });
  });

  it.each([
    { typ: 'logout+jwt' },
    { typ: 'application/logout+jwt' },
    { typ: 'Logout+JWT' },
    { typ: 'JWT' },
    { typ: 'jwt' },
    {},
  ])('accepts header %j: explicitly typed, or not typed at all (§4.1)', async (header) => {
    await expect(verifier().verify(await logoutToken({}, header))).resolves.toBeTruthy();
  });

  it.each(['at+jwt', 'secevent+jwt', 'dpop+jwt', 'logout'])(
    'refuses typ %s: explicitly another kind of JWT',
    async (typ) => {
      expect(await codeAndClaim(verifier().verify(await logoutToken({}, { typ })))).toEqual([
        'ERR_CLAIM_INVALID',
        'typ',
      ]);
    },
  );

  it.each(['iss', 'aud', 'iat', 'exp', 'jti'])('requires %s (§2.4)', async (claim) => {
    expect(
      await codeAndClaim(verifier().verify(await logoutToken({ [claim]: undefined }))),
    ).toEqual(['ERR_CLAIM_MISSING', claim]);
  });

  it('checks iss, aud and exp as for ID tokens (§2.6 item 3)', async () => {
    const v = verifier();
    const now = Math.floor(Date.now() / 1000);
    expect(await codeAndClaim(v.verify(await logoutToken({ iss: 'https://other' })))).toEqual([
      'ERR_CLAIM_INVALID',
      'iss',
    ]);
    expect(await codeAndClaim(v.verify(await logoutToken({ aud: 'rp-2' })))).toEqual([
      'ERR_CLAIM_INVALID',
      'aud',
    ]);
    expect(
      await codeAndClaim(v.verify(await logoutToken({ iat: now - 100, exp: now - 1 }))),
    ).toEqual(['ERR_TOKEN_EXPIRED', 'exp']);
  });

  it('requires the back-channel logout event, as an object (§2.6 item 5)', async () => {
    const v = verifier();
    const cases: [unknown, string][] = [
      [undefined, 'ERR_CLAIM_MISSING'],
      [{}, 'ERR_CLAIM_MISSING'],
      [{ 'http://schemas.openid.net/event/other': {} }, 'ERR_CLAIM_MISSING'],
      [[BACKCHANNEL_LOGOUT_EVENT], 'ERR_CLAIM_INVALID'],
      [BACKCHANNEL_LOGOUT_EVENT, 'ERR_CLAIM_INVALID'],
      [null, 'ERR_CLAIM_INVALID'],
      [{ [BACKCHANNEL_LOGOUT_EVENT]: true }, 'ERR_CLAIM_INVALID'],
      [{ [BACKCHANNEL_LOGOUT_EVENT]: null }, 'ERR_CLAIM_INVALID'],
      [{ [BACKCHANNEL_LOGOUT_EVENT]: [] }, 'ERR_CLAIM_INVALID'],
    ];
    for (const [events, code] of cases) {
      expect(await codeAndClaim(v.verify(await logoutToken({ events }))), String(events)).toEqual([
        code,
        'events',
      ]);
    }
    await expect(
      v.verify(
        await logoutToken({ events: { [BACKCHANNEL_LOGOUT_EVENT]: { x: 1 }, 'urn:other': {} } }),
      ),
    ).resolves.toBeTruthy();
  });

  it('requires sub or sid, each a non-empty string when present (§2.6 item 4)', async () => {
    const v = verifier();
    await expect(v.verify(await logoutToken({ sid: undefined }))).resolves.toMatchObject({
      sub: 'alice',
    });
    await expect(v.verify(await logoutToken({ sub: undefined }))).resolves.toMatchObject({
      sid: 'session-1',
    });
    expect(
      await codeAndClaim(v.verify(await logoutToken({ sub: undefined, sid: undefined }))),
    ).toEqual(['ERR_CLAIM_MISSING', 'sub']);
    expect(await codeAndClaim(v.verify(await logoutToken({ sub: undefined, sid: null })))).toEqual([
      'ERR_CLAIM_INVALID',
      'sid',
    ]);
    expect(await codeAndClaim(v.verify(await logoutToken({ sid: 7 })))).toEqual([
      'ERR_CLAIM_INVALID',
      'sid',
    ]);
    expect(await codeAndClaim(v.verify(await logoutToken({ sub: '', sid: undefined })))).toEqual([
      'ERR_CLAIM_INVALID',
      'sub',
    ]);
  });

  it.each(['n-0S6', '', null, 0])(
    'refuses a nonce (%j) whatever its value (§2.6 item 6)',
    async (nonce) => {
      expect(await codeAndClaim(verifier().verify(await logoutToken({ nonce })))).toEqual([
        'ERR_CLAIM_INVALID',
        'nonce',
      ]);
    },
  );

  it('refuses an ID token of the same provider offered as a logout token', async () => {
    const idToken = await sign(key, { iss: issuer, aud: CLIENT, sub: 'alice', nonce: 'n' });
    expect(await codeAndClaim(verifier().verify(idToken))).toEqual(['ERR_CLAIM_MISSING', 'jti']);
    const withJti = await sign(key, { iss: issuer, aud: CLIENT, sub: 'alice', jti: 'j' });
    expect(await codeAndClaim(verifier().verify(withJti))).toEqual(['ERR_CLAIM_MISSING', 'events']);
  });

  it('refuses an iat older than maxAge (default 2 minutes), leeway on top', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await logoutToken({ iat: now - 130, exp: now + 600 });
    expect(await codeAndClaim(verifier().verify(old))).toEqual(['ERR_CLAIM_INVALID', 'iat']);
    await expect(verifier({ maxAge: '3m' }).verify(old)).resolves.toBeTruthy();
    await expect(verifier({ leeway: 15 }).verify(old)).resolves.toBeTruthy();
    expect(
      await codeAndClaim(verifier({ maxAge: 10 }).verify(await logoutToken({ iat: now - 20 }))),
    ).toEqual(['ERR_CLAIM_INVALID', 'iat']);
    expect(
      await codeAndClaim(verifier().verify(await logoutToken({ iat: now + 30, exp: now + 120 }))),
    ).toEqual(['ERR_TOKEN_NOT_YET_VALID', 'iat']);
  });
});

describe('replay (§2.6 item 7)', () => {
  it('accepts a token once: the same jti again is ERR_CLAIM_INVALID (jti)', async () => {
    const v = verifier();
    const token = await logoutToken();
    await expect(v.verify(token)).resolves.toBeTruthy();
    expect(await codeAndClaim(v.verify(token))).toEqual(['ERR_CLAIM_INVALID', 'jti']);
    // Another token (re-signed) with the same jti is the same logout: refused too.
    const jti = (await v.verify(await logoutToken({ jti: 'fixed' }))).payload.jti;
    expect(await codeAndClaim(v.verify(await logoutToken({ jti, sid: 'other' })))).toEqual([
      'ERR_CLAIM_INVALID',
      'jti',
    ]);
  });

  it('lets exactly one of two concurrent deliveries through', async () => {
    const v = verifier();
    const token = await logoutToken();
    const outcomes = await Promise.allSettled([v.verify(token), v.verify(token)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('records a jti only once every other check has passed', async () => {
    const added: string[] = [];
    const store = memoryReplayStore();
    const replay: ReplayStore = { add: (id, ttl) => (added.push(id), store.add(id, ttl)) };
    const v = verifier({ replay });
    const other = await makeKey('op-1');
    const forged = await sign(other, {
      iss: issuer,
      aud: CLIENT,
      sub: 'alice',
      jti: 'j-1',
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    });
    for (const bad of [
      forged,
      await logoutToken({ jti: 'j-1', nonce: 'n' }),
      await logoutToken({ jti: 'j-1', events: {} }),
      await logoutToken({ jti: 'j-1', sub: undefined, sid: undefined }),
      await logoutToken({ jti: 'j-1', aud: 'rp-2' }),
      await logoutToken({ jti: 'j-1' }, { typ: 'at+jwt' }),
    ]) {
      await expect(v.verify(bad)).rejects.toSatisfy(isVerificationError);
    }
    expect(added).toEqual([]);
    await expect(v.verify(await logoutToken({ jti: 'j-1' }))).resolves.toBeTruthy();
    expect(added).toHaveLength(1);
  });

  it('keys the store by a fixed-length hash of issuer and jti, for as long as the token is acceptable', async () => {
    const calls: [string, number][] = [];
    const replay: ReplayStore = { add: async (id, ttl) => (calls.push([id, ttl]), true) };
    const now = Math.floor(Date.now() / 1000);
    const clock = () => now * 1000;
    const v = verifier({ replay, clock });
    await v.verify(await logoutToken({ jti: 'x'.repeat(2000), iat: now, exp: now + 600 }));
    await v.verify(await logoutToken({ jti: 'j', iat: now - 100, exp: now + 60 }));
    await v.verify(await logoutToken({ jti: 'j', iat: now, exp: now + 30 }));
    await verifier({ replay, clock, maxAge: 300, leeway: 5 }).verify(
      await logoutToken({ jti: 'j', iat: now, exp: now + 600 }),
    );
    expect(calls.map(([, ttl]) => ttl)).toEqual([121, 21, 31, 306]);
    for (const [id] of calls) expect(id).toMatch(/^logout:[\w-]{43}$/);
    expect(calls[1]![0]).toBe(calls[2]![0]);
  });

  it('keeps issuers apart when they share a store', async () => {
    const replay = memoryReplayStore();
    const otherIssuer = 'https://op-2.example';
    const token = await logoutToken({ jti: 'same' });
    const fromOther = await logoutToken({ jti: 'same', iss: otherIssuer });
    await expect(verifier({ replay }).verify(token)).resolves.toBeTruthy();
    await expect(verifier({ replay, issuer: otherIssuer }).verify(fromOther)).resolves.toBeTruthy();
  });

  it('passes on an error of the replay store as it is: not a verdict on the token', async () => {
    const failure = new Error('redis down');
    const v = verifier({ replay: { add: () => Promise.reject(failure) } });
    await expect(v.verify(await logoutToken())).rejects.toBe(failure);
  });

  it('refuses a jti that is not a string', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signRaw(
      key,
      { alg: 'RS256', kid: key.kid },
      JSON.stringify({
        iss: issuer,
        aud: CLIENT,
        sub: 'a',
        jti: 1,
        iat: now,
        exp: now + 60,
        events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      }),
    );
    expect(await codeAndClaim(verifier().verify(token))).toEqual(['ERR_CLAIM_INVALID', 'jti']);
  });
});

describe('configuration', () => {
  it.each<[string, Record<string, unknown>]>([
    ['no issuer', { issuer: undefined }],
    ['no clientId', { clientId: undefined }],
    ['clientId empty', { clientId: '' }],
    ['a replay store without add', { replay: {} }],
    ['a negative maxAge', { maxAge: -1 }],
    ['maxAge in the wrong unit', { maxAge: '2 minutes' }],
    ['an unknown option', { audience: 'x' }],
  ])('throws a TypeError at creation for %s', (_, options) => {
    expect(() =>
      createLogoutTokenVerifier({
        issuer,
        clientId: CLIENT,
        ...options,
      } as unknown as LogoutTokenVerifierOptions),
    ).toThrow(TypeError);
  });
});
