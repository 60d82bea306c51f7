import ky from 'ky';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createVerifier,
  isVerificationError,
  jwks,
  memoryStore,
  type VerifierEvent,
} from '../../src/index.js';
import { codeOf } from '../helpers/outcome.js';
import { KeyServer, type ServerMode } from '../helpers/key-server.js';
import { AUDIENCE, ISSUER, makeKey, sign, signRaw, type TestKey } from '../helpers/keys.js';

let server: KeyServer;
let k1: TestKey;
let k2: TestKey;

beforeAll(async () => {
  server = await new KeyServer().start();
  [k1, k2] = await Promise.all([makeKey('k1'), makeKey('k2')]);
});
afterAll(() => server.stop());
afterEach(() => server.reset());

function setup(options: Parameters<typeof jwks>[1] = {}, clock?: () => number) {
  const events: VerifierEvent[] = [];
  const verifier = createVerifier({
    keys: jwks(`${server.url}/jwks`, { retry: 0, ...options }),
    issuer: ISSUER,
    audience: AUDIENCE,
    onEvent: (e) => events.push(e),
    ...(clock ? { clock } : {}),
  });
  return { verifier, events, fetches: () => server.count('/jwks') };
}

describe('jwks(): fetching', () => {
  it('fetches the set once for many concurrent verifies on a cold cache', async () => {
    server.json('/jwks', { keys: [k1.publicJwk] });
    const { verifier, fetches } = setup();
    const tokens = await Promise.all(Array.from({ length: 25 }, (_, i) => sign(k1, { n: i })));
    const results = await Promise.all(tokens.map((t) => verifier.verify(t)));
    expect(results).toHaveLength(25);
    expect(fetches()).toBe(1);
  });

  it('hydrate() fetches before the first verify', async () => {
    server.json('/jwks', { keys: [k1.publicJwk] });
    const { verifier, fetches } = setup();
    await verifier.hydrate();
    expect(fetches()).toBe(1);
    await verifier.verify(await sign(k1));
    expect(fetches()).toBe(1);
  });

  it('accepts application/jwk-set+json and ignores keys that are not signature keys', async () => {
    const enc = { ...k2.publicJwk, use: 'enc' };
    const unknown = { kty: 'XYZ', kid: 'odd' };
    server.routes.set('/jwks', {
      body: JSON.stringify({ keys: [enc, unknown, k1.publicJwk] }),
      type: 'application/jwk-set+json',
    });
    const { verifier } = setup();
    await expect(verifier.verify(await sign(k1))).resolves.toBeTruthy();
    expect(await codeOf(verifier.verify(await sign(k2)))).toBe('ERR_KEY_NOT_FOUND');
  });

  it('accepts PyJWT-style keys with key_ops ["verify"]', async () => {
    server.json('/jwks', { keys: [{ ...k1.publicJwk, key_ops: ['verify'] }] });
    await expect(setup().verifier.verify(await sign(k1))).resolves.toBeTruthy();
  });

  it('refuses a whole set that contains private material', async () => {
    server.json('/jwks', { keys: [k2.publicJwk, k1.privateJwk] });
    const { verifier } = setup();
    const error = await verifier.verify(await sign(k2)).catch((e: Error) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_INVALID');
    expect((error as Error).message).toMatch(/openssl rsa -in .* -pubout/);
  });

  it('refuses a set with a symmetric key', async () => {
    server.json('/jwks', { keys: [k1.publicJwk, { kty: 'oct', k: 'c2VjcmV0', kid: 'hs' }] });
    expect(await codeOf(setup().verifier.verify(await sign(k1)))).toBe('ERR_KEY_INVALID');
  });

  it('refuses RSA keys under 2048 bits, naming the reason', async () => {
    const weak = await makeKey('weak', 'RS256', 1024);
    server.json('/jwks', { keys: [weak.publicJwk, k1.publicJwk] });
    const { verifier } = setup();
    const now = Math.floor(Date.now() / 1000);
    const token = await signRaw(
      weak,
      { alg: 'RS256', kid: 'weak' },
      JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: now + 60 }),
    );
    const error = await verifier.verify(token).catch((e: Error) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_INVALID');
    expect((error as Error).message).toContain('1024-bit');
    await expect(verifier.verify(await sign(k1))).resolves.toBeTruthy();
  });

  it('refuses a set that is not a JWK Set', async () => {
    server.json('/jwks', { keys: 'none' });
    expect(await codeOf(setup().verifier.verify(await sign(k1)))).toBe('ERR_KEY_INVALID');
  });
});

describe('jwks(): failures end in a clear error, never a hang', () => {
  const cases: [ServerMode, RegExp][] = [
    ['status-500', /500/],
    ['status-404', /404/],
    ['status-204', /204/],
    ['html', /text\/html, not JSON/],
    ['broken-json', /not valid JSON/],
    ['reset', /./],
    ['hang', /within 0.5s/],
    ['slow-body', /within 0.5s/],
    ['huge', /512 KiB/],
    ['redirect-loop', /./],
  ];
  it.each(cases)('%s → ERR_KEY_FETCH_FAILED', async (mode, message) => {
    server.json('/jwks', { keys: [k1.publicJwk] });
    server.mode = mode;
    const { verifier } = setup({ timeout: 0.5 });
    const started = Date.now();
    const error = await verifier.verify(await sign(k1)).catch((e: Error) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_FETCH_FAILED');
    expect((error as Error).message).toMatch(message);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    server.json('/jwks', { keys: [k1.publicJwk] });
    server.mode = 'status-500';
    const { verifier } = setup({ retry: 2 });
    const token = await sign(k1);
    // Healthy again as soon as the first (failed) request has arrived: the pass needs a retry.
    server.onRequest = () => {
      server.mode = 'ok';
      server.onRequest = undefined;
    };
    const pending = verifier.verify(token);
    await expect(pending).resolves.toBeTruthy();
    expect(server.count('/jwks')).toBeGreaterThanOrEqual(2);
  });

  it('does not retry a 404', async () => {
    server.mode = 'status-404';
    const { verifier } = setup({ retry: 2 });
    await verifier.verify(await sign(k1)).catch(() => undefined);
    expect(server.count('/jwks')).toBe(1);
  });
});

describe('jwks(): freshness, cooldown, ETag and stale-if-error', () => {
  it('uses Cache-Control max-age, else maxAge', async () => {
    let now = Date.now();
    server.json('/jwks', { keys: [k1.publicJwk] }, { cacheControl: 'public, max-age=60' });
    const { verifier, fetches } = setup({ maxAge: 600 }, () => now);
    const token = await sign(k1, {}, {}, Math.floor(now / 1000));
    await verifier.verify(token);
    now += 59_000;
    await verifier.verify(await sign(k1, { n: 2 }, {}, Math.floor(now / 1000)));
    expect(fetches()).toBe(1);
    now += 2_000;
    await verifier.verify(await sign(k1, { n: 3 }, {}, Math.floor(now / 1000)));
    expect(fetches()).toBe(2);

    server.json('/jwks', { keys: [k1.publicJwk] });
    const other = setup({ maxAge: 120 }, () => now);
    await other.verifier.hydrate();
    now += 119_000;
    await other.verifier.hydrate();
    expect(server.count('/jwks')).toBe(3);
    now += 2_000;
    await other.verifier.hydrate();
    expect(server.count('/jwks')).toBe(4);
  });

  it.each(['no-cache', 'no-store', 'max-age=0'])(
    'treats Cache-Control %s as stale at once',
    async (cacheControl) => {
      server.json('/jwks', { keys: [k1.publicJwk] }, { cacheControl });
      const { verifier, fetches } = setup();
      await verifier.hydrate();
      await verifier.hydrate();
      expect(fetches()).toBe(2);
    },
  );

  it('sends the ETag back as If-None-Match, and a 304 keeps the set and renews it', async () => {
    let now = Date.now();
    server.json('/jwks', { keys: [k1.publicJwk] }, { etag: '"v1"', cacheControl: 'max-age=10' });
    const { verifier, fetches } = setup({}, () => now);
    const token = await sign(k1, {}, {}, Math.floor(now / 1000));
    await verifier.verify(token);
    now += 11_000;
    await verifier.verify(await sign(k1, { n: 2 }, {}, Math.floor(now / 1000)));
    expect(fetches()).toBe(2);
    expect(server.requests[1]!.headers['if-none-match']).toBe('"v1"');
    now += 5_000; // renewed by the 304: still fresh
    await verifier.verify(await sign(k1, { n: 3 }, {}, Math.floor(now / 1000)));
    expect(fetches()).toBe(2);
  });

  it('refetches for an unknown kid, at most once per cooldown', async () => {
    let now = Date.now();
    server.json('/jwks', { keys: [k1.publicJwk] });
    const { verifier, fetches, events } = setup({ cooldown: 30 }, () => now);
    await verifier.verify(await sign(k1, {}, {}, Math.floor(now / 1000)));
    now += 31_000;
    // Rotation: k2 appears. The unknown kid triggers one refetch that bypasses HTTP caches.
    server.json('/jwks', { keys: [k1.publicJwk, k2.publicJwk] });
    await verifier.verify(await sign(k2, {}, {}, Math.floor(now / 1000)));
    expect(fetches()).toBe(2);
    expect(events).toContainEqual({
      type: 'keys:fetch',
      source: `jwks:${server.url}/jwks`,
      reason: 'unknown-kid',
    });
    // A flood of random kids inside the cooldown costs nothing more.
    const flood = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sign({ ...k2, kid: `random-${i}` }, {}, {}, Math.floor(now / 1000)),
      ),
    );
    const codes = await Promise.all(flood.map((t) => codeOf(verifier.verify(t))));
    expect(new Set(codes)).toEqual(new Set(['ERR_KEY_NOT_FOUND']));
    expect(fetches()).toBe(2);
    now += 31_000;
    await codeOf(verifier.verify(flood[0]!));
    expect(fetches()).toBe(3);
  });

  it('asks for cache: no-cache on an unknown-kid refetch, and only then', async () => {
    let now = Date.now();
    const modes: string[] = [];
    const recording = ky.create({
      fetch: (input, init) => {
        // happy-dom's Request has no `cache`; ky hands fetch the init too.
        modes.push(init?.cache ?? (input as Request).cache ?? 'default');
        return fetch(input, init);
      },
    });
    server.json('/jwks', { keys: [k1.publicJwk] });
    const { verifier } = setup({ cooldown: 0, ky: recording }, () => now);
    await verifier.hydrate();
    now += 1000;
    await codeOf(verifier.verify(await sign(k2, {}, {}, Math.floor(now / 1000))));
    // happy-dom's Request drops `cache` (it has no HTTP cache to bypass); real platforms keep it.
    const requestKeepsCacheMode =
      new Request('http://127.0.0.1/', { cache: 'no-cache' }).cache === 'no-cache';
    expect(modes).toEqual(requestKeepsCacheMode ? ['default', 'no-cache'] : ['default', 'default']);
    if (typeof window === 'undefined') {
      // Node's fetch puts the Fetch-spec no-cache mode on the wire as max-age=0.
      expect(server.requests.at(-1)!.headers['cache-control']).toBe('max-age=0');
    }
  });

  it('serves a stale set within maxStale while the server fails, with keys:stale', async () => {
    let now = Date.now();
    server.json('/jwks', { keys: [k1.publicJwk] }, { cacheControl: 'max-age=60' });
    const { verifier, events } = setup({ maxStale: 3600 }, () => now);
    await verifier.hydrate();
    server.mode = 'status-500';
    now += 120_000;
    const token = await sign(k1, {}, {}, Math.floor(now / 1000));
    await expect(verifier.verify(token)).resolves.toBeTruthy();
    expect(events.some((e) => e.type === 'keys:error')).toBe(true);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'keys:stale', staleSeconds: 60 }),
    );
    // Past maxStale the stale set is no longer trusted.
    now += 3600_000;
    const late = await sign(k1, { n: 2 }, {}, Math.floor(now / 1000));
    expect(await codeOf(verifier.verify(late))).toBe('ERR_KEY_FETCH_FAILED');
  });

  it('asks a failing server at most once per cooldown while serving stale', async () => {
    let now = Date.now();
    server.json('/jwks', { keys: [k1.publicJwk] }, { cacheControl: 'max-age=60' });
    const { verifier, fetches } = setup({ cooldown: 30 }, () => now);
    await verifier.hydrate();
    server.mode = 'status-500';
    now += 61_000;
    for (let i = 0; i < 5; i++)
      await verifier.verify(await sign(k1, { i }, {}, Math.floor(now / 1000)));
    expect(fetches()).toBe(2);
    now += 31_000;
    server.mode = 'ok';
    await verifier.verify(await sign(k1, { i: 9 }, {}, Math.floor(now / 1000)));
    expect(fetches()).toBe(3);
  });

  it('forgets remembered tokens when the key set changes', async () => {
    let now = Date.now();
    server.json('/jwks', { keys: [k1.publicJwk] }, { cacheControl: 'max-age=10' });
    const { verifier } = setup({}, () => now);
    const token = await sign(
      k1,
      { exp: Math.floor(now / 1000) + 3600 },
      {},
      Math.floor(now / 1000),
    );
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first);
    now += 11_000;
    server.json('/jwks', { keys: [k2.publicJwk] }); // k1 revoked
    await verifier.verify(await sign(k2, {}, {}, Math.floor(now / 1000)));
    expect(await codeOf(verifier.verify(token))).toBe('ERR_KEY_NOT_FOUND');
  });

  it('shares a store between verifiers and ignores corrupt entries in it', async () => {
    server.json('/jwks', { keys: [k1.publicJwk] });
    const cache = memoryStore();
    const make = () =>
      createVerifier({
        keys: jwks(`${server.url}/jwks`, { retry: 0 }),
        issuer: ISSUER,
        audience: AUDIENCE,
        cache,
      });
    await make().verify(await sign(k1));
    await make().verify(await sign(k1));
    expect(server.count('/jwks')).toBe(1);
    for (const corrupt of [
      'garbage',
      { v: 1, keys: [k1.privateJwk], refused: {}, fetchedAt: 0, freshUntil: 9e15 },
      { v: 1, keys: 'x', refused: {}, fetchedAt: 0, freshUntil: 9e15 },
      { v: 2 },
    ]) {
      cache.set(`jwks:${server.url}/jwks`, corrupt as never);
      await expect(make().verify(await sign(k1))).resolves.toBeTruthy();
    }
    expect(server.count('/jwks')).toBe(5);
  });

  it('clear() forgets keys so the next verify fetches again', async () => {
    server.json('/jwks', { keys: [k1.publicJwk] });
    const { verifier, fetches } = setup();
    await verifier.hydrate();
    await verifier.clear();
    await verifier.hydrate();
    expect(fetches()).toBe(2);
  });
});

describe('jwks(): options', () => {
  it('sends extra headers', async () => {
    server.json('/jwks', { keys: [k1.publicJwk] });
    await setup({ headers: { 'x-api-key': 'abc' } }).verifier.hydrate();
    expect(server.requests[0]!.headers['x-api-key']).toBe('abc');
  });

  it.each([
    [{ retry: -1 }],
    [{ timeout: 0 }],
    [{ timeout: 'soon' }],
    [{ cooldown: '-5s' }],
    [{ maxAge: 'forever' }],
    [{ surprise: true }],
  ])('refuses bad options %j with a TypeError', (options) => {
    expect(() => jwks('https://idp.test/jwks', options as never)).toThrow(TypeError);
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => jwks('ftp://idp.test/jwks')).toThrow(TypeError);
  });
});
