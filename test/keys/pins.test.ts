import { calculateJwkThumbprint } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createVerifier,
  discovery,
  jwks,
  memoryStore,
  pem,
  signedJwks,
  type VerifierEvent,
} from '../../src/index.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { codeOf, refusal } from '../helpers/outcome.js';
import { KeyServer } from '../helpers/key-server.js';
import { webCrypto } from '../../src/crypto/webcrypto.js';

const server = new KeyServer();
let k1: TestKey;
let k2: TestKey;
let pin1: string;
let pin2: string;

beforeAll(async () => {
  await server.start();
  [k1, k2] = await Promise.all([makeKey('k1'), makeKey('k2')]);
  [pin1, pin2] = await Promise.all(
    [k1, k2].map((k) => calculateJwkThumbprint(k.publicJwk, 'sha256')),
  );
});
afterAll(() => server.stop());
afterEach(() => server.reset());

const keySet = (...keys: TestKey[]) => ({ keys: keys.map((k) => k.publicJwk) });

function pinnedVerifier(pins: string[], extra: Record<string, unknown> = {}) {
  const events: VerifierEvent[] = [];
  const { cache, clock, ...remote } = extra;
  const verifier = createVerifier({
    keys: jwks(`${server.url}/jwks`, { retry: 0, cooldown: 1, pins, ...remote }),
    issuer: ISSUER,
    audience: AUDIENCE,
    onEvent: (event) => events.push(event),
    ...(cache === undefined ? {} : { cache: cache as never }),
    ...(clock === undefined ? {} : { clock: clock as () => number }),
  });
  return { verifier, events };
}

describe('pins: the option', () => {
  const anchors = { keys: [] as unknown[] };
  beforeAll(() => anchors.keys.push(k1.publicJwk));

  it.each([
    [[], 'empty'],
    ['abc', 'not an array'],
    [['x'.repeat(42)], '42 characters'],
    [['x'.repeat(44)], '44 characters'],
    [[`${'A'.repeat(42)}B`], 'non-canonical last character'],
    [[`${'A'.repeat(42)}=`], 'padding'],
    [[`${'A'.repeat(41)}+A`], 'base64, not base64url'],
    [[42], 'not a string'],
  ] as [unknown, string][])('is a TypeError naming the factory for %j (%s)', (pins) => {
    const url = `${server.url}/jwks`;
    expect(() => jwks(url, { pins: pins as never })).toThrow(/^jwks\(\): .*pin/);
    expect(() => discovery(server.url, { pins: pins as never })).toThrow(/^discovery\(\): .*pin/);
    expect(() => pem(`${server.url}/key.pub`, { pins: pins as never })).toThrow(/^pem\(\): .*pin/);
    expect(() => signedJwks(url, { anchors, pins: pins as never })).toThrow(
      /^signedJwks\(\): .*pin/,
    );
  });

  it('takes 43-character canonical thumbprints', () => {
    expect(jwks(`${server.url}/jwks`, { pins: [pin1, pin2] }).kind).toBe('jwks');
    expect(() => jwks(`${server.url}/jwks`, { insecure: 'yes' as never })).toThrow(/insecure/);
  });
});

describe('pins: fetched sets, key by key', () => {
  it('uses a pinned key and never an unpinned one, which a token learns', async () => {
    server.json('/jwks', keySet(k1, k2));
    const { verifier, events } = pinnedVerifier([pin1]);
    expect((await verifier.verify(await sign(k1))).payload.sub).toBe('user-1');
    const error = await refusal(verifier.verify(await sign(k2)));
    expect(error.code).toBe('ERR_KEY_INVALID');
    expect(error.message).toMatch(/kid "k2" is refused: it is not pinned/);
    expect(error.message).toContain(pin2);
    expect(events).toContainEqual({
      type: 'keys:unpinned',
      source: `jwks:${server.url}/jwks`,
      kid: 'k2',
      thumbprint: pin2,
    });
    expect(server.count('/jwks')).toBe(1); // the unpinned kid is known, not worth a refetch
  });

  it('refuses a set with no pinned key whole, naming its thumbprints, when nothing is held', async () => {
    server.json('/jwks', keySet(k2));
    const { verifier, events } = pinnedVerifier([pin1]);
    const error = await refusal(verifier.verify(await sign(k2)));
    expect(error.code).toBe('ERR_KEY_INVALID');
    expect(error.message).toContain('holds no pinned key');
    expect(error.message).toContain(pin2);
    expect(events.some((e) => e.type === 'keys:error')).toBe(true);
  });

  it('keeps serving the held set when a swapped set arrives, and retries after the cooldown', async () => {
    let now = Date.now();
    server.json('/jwks', keySet(k1), { cacheControl: 'max-age=10' });
    const { verifier, events } = pinnedVerifier([pin1], { clock: () => now, cooldown: 5 });
    const token = () => sign(k1, {}, {}, Math.floor(now / 1000));
    expect(await codeOf(verifier.verify(await token()))).toBe('OK');
    server.json('/jwks', keySet(k2), { cacheControl: 'max-age=10' }); // the swap
    now += 11_000;
    expect(await codeOf(verifier.verify(await token()))).toBe('OK');
    expect(events.filter((e) => e.type === 'keys:error')).toHaveLength(1);
    expect(events.some((e) => e.type === 'keys:stale')).toBe(true);
    expect(await codeOf(verifier.verify(await sign(k2, {}, {}, Math.floor(now / 1000))))).toBe(
      'ERR_KEY_NOT_FOUND',
    );
    const fetches = server.count('/jwks');
    now += 1_000;
    await verifier.verify(await token());
    expect(server.count('/jwks')).toBe(fetches); // inside the cooldown: no new request
    now += 5_000;
    await verifier.verify(await token());
    expect(server.count('/jwks')).toBe(fetches + 1);
  });
});

describe('pins: stored entries', () => {
  it('refuses a well-formed set planted in a store and fetches the pinned one', async () => {
    server.json('/jwks', keySet(k1));
    const store = memoryStore();
    const now = Date.now();
    const planted = {
      v: 1,
      keys: [k2.publicJwk],
      refused: {},
      fetchedAt: now,
      freshUntil: now + 3_600_000,
    };
    await store.set(`jwks:${server.url}/jwks`, planted as never);
    const { verifier, events } = pinnedVerifier([pin1], { cache: store });
    expect(await codeOf(verifier.verify(await sign(k2)))).not.toBe('OK');
    expect(await codeOf(verifier.verify(await sign(k1)))).toBe('OK');
    expect(server.count('/jwks')).toBe(1);
    expect(events).toContainEqual(expect.objectContaining({ type: 'keys:unpinned', kid: 'k2' }));
  });

  it('drops the unpinned keys of a planted entry and keeps its pinned ones', async () => {
    const store = memoryStore();
    const now = Date.now();
    const entry = {
      v: 1,
      keys: [k1.publicJwk, k2.publicJwk],
      refused: {},
      fetchedAt: now,
      freshUntil: now + 3_600_000,
    };
    await store.set(`jwks:${server.url}/jwks`, entry as never);
    const { verifier } = pinnedVerifier([pin1], { cache: store });
    expect(await codeOf(verifier.verify(await sign(k1)))).toBe('OK');
    const error = await refusal(verifier.verify(await sign(k2)));
    expect(error.message).toContain('not pinned');
    expect(server.count('/jwks')).toBe(0);
  });
});

describe('pins: no per-verify cost', () => {
  it('hashes each key once, when its set is fetched, and never on a verify', async () => {
    server.json('/jwks', keySet(k1, k2));
    let digests = 0;
    const counting = {
      ...webCrypto,
      name: 'counting WebCrypto',
      digest: (hash: 'SHA-256', data: Uint8Array) => (digests++, webCrypto.digest(hash, data)),
    };
    const verifier = createVerifier({
      keys: jwks(`${server.url}/jwks`, { retry: 0, pins: [pin1, pin2] }),
      issuer: ISSUER,
      audience: AUDIENCE,
      crypto: counting as never,
      memo: false,
    });
    await verifier.hydrate();
    expect(digests).toBe(2);
    for (let i = 0; i < 20; i++) await verifier.verify(await sign(i % 2 ? k1 : k2, { n: i }));
    expect(digests).toBe(2);
  });
});
