import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createIdTokenVerifier,
  createVerifier,
  discovery,
  jwks,
  memoryStore,
  type KeyStore,
} from '../../src/index.js';
import { codeOf } from '../helpers/outcome.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { json, ScriptedServer } from '../helpers/scripted-server.js';

const server = new ScriptedServer();
let k1: TestKey;
let k2: TestKey;

beforeAll(async () => {
  await server.start();
  [k1, k2] = await Promise.all([makeKey('k1'), makeKey('k2')]);
});
afterAll(() => server.stop());
afterEach(() => server.reset());

const seconds = (ms: number) => Math.floor(ms / 1000);
const keySet = (...keys: TestKey[]) => ({ keys: keys.map((k) => k.publicJwk) });

function verifierAt(clock: () => number, extra: { cache?: KeyStore; maxStale?: number } = {}) {
  return createVerifier({
    keys: jwks(`${server.url}/jwks`, {
      retry: 0,
      timeout: 0.5,
      ...(extra.maxStale === undefined ? {} : { maxStale: extra.maxStale }),
    }),
    issuer: ISSUER,
    audience: AUDIENCE,
    clock,
    ...(extra.cache ? { cache: extra.cache } : {}),
  });
}

describe('key cache: what a key server or cache says cannot keep a key alive', () => {
  it('takes a 304 only as the answer to its own If-None-Match', async () => {
    let now = Date.now();
    // No ETag on the set, so tokenward never asks conditionally: a 304 can only be a lie.
    server.script = [json(keySet(k1), { 'cache-control': 'max-age=10' })];
    server.fallback = (_, res) => res.writeHead(304).end();
    const verifier = verifierAt(() => now, { maxStale: 5 });
    await verifier.hydrate();
    now += 20_000; // past freshness and maxStale: only a real answer could renew the set
    expect(await codeOf(verifier.verify(await sign(k1, {}, {}, seconds(now))))).toBe(
      'ERR_KEY_FETCH_FAILED',
    );
    expect(server.seen.at(-1)!.headers['if-none-match']).toBeUndefined();
  });

  it('treats an invalid max-age as stale at once, not as the default maxAge', async () => {
    for (const cacheControl of ['max-age=-1', 'max-age=ten']) {
      server.reset();
      server.fallback = json(keySet(k1), { 'cache-control': cacheControl });
      const verifier = verifierAt(Date.now);
      await verifier.verify(await sign(k1));
      await verifier.verify(await sign(k1, { n: 2 }));
      expect(server.seen, cacheControl).toHaveLength(2);
    }
  });

  it('stops accepting a remembered token once its key is rotated out, within maxAge', async () => {
    let now = Date.now();
    server.script = [json(keySet(k1), { 'cache-control': 'max-age=60' })];
    server.fallback = json(keySet(k2), { 'cache-control': 'max-age=60' }); // k1 dropped
    const verifier = verifierAt(() => now);
    const token = await sign(k1, { exp: seconds(now) + 3600 }, {}, seconds(now));
    await verifier.verify(token); // verified and remembered
    now += 30_000;
    await verifier.verify(token); // still fresh: a memo hit, no request
    expect(server.seen).toHaveLength(1);
    now += 31_000; // the set is stale: the memo may not vouch for the token any more
    expect(await codeOf(verifier.verify(token))).toBe('ERR_KEY_NOT_FOUND');
    expect(server.seen).toHaveLength(2);
  });

  it('keeps serving remembered tokens from a stale set while the key server is down', async () => {
    let now = Date.now();
    server.script = [json(keySet(k1), { 'cache-control': 'max-age=60' })];
    server.fallback = (_, res) => res.writeHead(503).end();
    const verifier = verifierAt(() => now);
    const token = await sign(k1, { exp: seconds(now) + 3600 }, {}, seconds(now));
    const first = await verifier.verify(token);
    now += 61_000;
    expect(await verifier.verify(token)).toStrictEqual(first);
    expect(await verifier.verify(token)).toBe(await verifier.verify(token));
  });
});

describe('key set: a remembered token hangs on the identity of the set that vouched for it', () => {
  it('keeps it across a refetch that changed nothing, and drops it when the keys change', async () => {
    let now = Date.now();
    server.script = [
      json(keySet(k1), { 'cache-control': 'max-age=10' }),
      json(keySet(k1), { 'cache-control': 'max-age=10' }), // the same keys: the same set
      json(keySet(k1, k2), { 'cache-control': 'max-age=10' }), // another set
    ];
    const verifier = verifierAt(() => now);
    const token = await sign(k1, { exp: seconds(now) + 3600 }, {}, seconds(now));
    const first = await verifier.verify(token);
    now += 11_000;
    await verifier.hydrate(); // stale: refetched, nothing changed
    expect(await verifier.verify(token)).toBe(first);
    now += 11_000;
    await verifier.hydrate(); // refetched: k2 was added
    const again = await verifier.verify(token);
    expect(again).not.toBe(first);
    expect(again).toStrictEqual(first);
    expect(server.seen).toHaveLength(3);
  });
});

describe('key cache: a store cannot hang or break verify', () => {
  const never = () => new Promise<never>(() => undefined);

  it('treats a store whose get never answers as a miss, within the source timeout', async () => {
    server.fallback = json(keySet(k1));
    const hanging: KeyStore = { get: never, set: () => undefined, delete: () => undefined };
    const started = Date.now();
    await createVerifier({
      keys: jwks(`${server.url}/jwks`, { timeout: 0.3 }),
      issuer: ISSUER,
      audience: AUDIENCE,
      cache: hanging,
    }).verify(await sign(k1));
    expect(server.seen).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers without waiting for a store whose set never settles', async () => {
    server.fallback = json(keySet(k1));
    const slow: KeyStore = { get: () => undefined, set: never, delete: never };
    const verifier = createVerifier({
      keys: jwks(`${server.url}/jwks`, { timeout: 3 }),
      issuer: ISSUER,
      audience: AUDIENCE,
      cache: slow,
    });
    const started = Date.now();
    await verifier.verify(await sign(k1));
    expect(Date.now() - started).toBeLessThan(2000);
    await verifier.clear(); // bounded by the timeout too
  });

  it('treats a store that throws as a miss', async () => {
    server.fallback = json(keySet(k1));
    const broken: KeyStore = {
      get: () => {
        throw new Error('quota');
      },
      set: () => Promise.reject(new Error('quota')),
      delete: () => undefined,
    };
    await createVerifier({
      keys: jwks(`${server.url}/jwks`),
      issuer: ISSUER,
      audience: AUDIENCE,
      cache: broken,
    }).verify(await sign(k1));
    expect(server.seen).toHaveLength(1);
  });

  it('ignores and refetches a stored entry whose metadata is malformed', async () => {
    const issuer = server.url;
    const document = {
      issuer,
      jwks_uri: `${issuer}/jwks`,
      id_token_signing_alg_values_supported: ['RS256'],
    };
    server.fallback = (req, res) =>
      json(req.url?.startsWith('/.well-known') ? document : keySet(k1))(req, res);
    const cache = memoryStore();
    const entry = (meta: unknown) => ({
      v: 1,
      keys: [k1.publicJwk],
      refused: {},
      fetchedAt: Date.now(),
      freshUntil: Date.now() + 600_000,
      meta,
    });
    for (const meta of [
      { issuer, idTokenSigningAlgs: 'RS256' },
      { issuer: 7 },
      { issuer, idTokenSigningAlgs: [1] },
      { issuer, extra: true },
      [],
    ]) {
      server.seen = [];
      cache.set(`discovery:${issuer}`, entry(meta) as never);
      const idTokens = createIdTokenVerifier({
        issuer,
        clientId: AUDIENCE,
        keys: discovery(issuer, { retry: 0 }),
        cache,
      });
      const token = await sign(k1, { iss: issuer, aud: AUDIENCE });
      expect(await codeOf(idTokens.verify(token)), JSON.stringify(meta)).toBe('OK');
      expect(server.seen.length, JSON.stringify(meta)).toBe(2); // refetched: document + keys
    }
  });
});
