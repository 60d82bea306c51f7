import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cacheApiStore,
  createVerifier,
  denoKvStore,
  indexedDbStore,
  jwks,
  kvStore,
  memoryStore,
  redisStore,
  webStorage,
  type KeyStore,
} from '../../src/index.js';
import { CROSS_TAB, type SharedKeyStore } from '../../src/stores/cross-tab.js';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';

let server: KeyServer;
let key: TestKey;

beforeAll(async () => {
  server = await new KeyServer().start();
  key = await makeKey('s1');
});
afterAll(() => server.stop());
afterEach(() => server.reset());

const verifierWith = (cache: KeyStore) =>
  createVerifier({
    keys: jwks(`${server.url}/jwks`, { retry: 0 }),
    issuer: ISSUER,
    audience: AUDIENCE,
    cache,
  });

/** A Storage with the Web Storage API's behaviour, for the Node project (happy-dom has its own). */
function mapStorage(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, String(v)),
    removeItem: (k: string) => void items.delete(k),
    clear: () => items.clear(),
    key: (i: number) => [...items.keys()][i] ?? null,
    get length() {
      return items.size;
    },
  };
}

const storages: [string, () => Storage][] = [['a Map-backed Storage', mapStorage]];
if (typeof localStorage !== 'undefined') {
  storages.push([
    'localStorage',
    () => {
      localStorage.clear();
      return localStorage;
    },
  ]);
}

describe.each(storages)('webStorage() over %s', (_name, makeStorage) => {
  it('keeps the set across verifiers (a page reload) so the keys are fetched once', async () => {
    server.json('/jwks', { keys: [key.publicJwk] });
    const storage = makeStorage();
    await verifierWith(webStorage(storage)).verify(await sign(key));
    await verifierWith(webStorage(storage)).verify(await sign(key));
    expect(server.count('/jwks')).toBe(1);
    expect(storage.getItem(`tokenward:jwks:${server.url}/jwks`)).toContain('"kty":"RSA"');
  });

  it.each([
    ['JSON that does not parse', '{"v":1,'],
    [
      'a private key in the entry',
      () =>
        JSON.stringify({
          v: 1,
          keys: [key.privateJwk],
          refused: {},
          fetchedAt: 1,
          freshUntil: 9e15,
        }),
    ],
    [
      'an entry of the wrong shape',
      '{"v":1,"keys":{},"refused":{},"fetchedAt":1,"freshUntil":"later"}',
    ],
  ])('ignores %s and refetches', async (_what, entry) => {
    server.json('/jwks', { keys: [key.publicJwk] });
    const storage = makeStorage();
    storage.setItem(
      `tokenward:jwks:${server.url}/jwks`,
      typeof entry === 'function' ? entry() : entry,
    );
    await expect(verifierWith(webStorage(storage)).verify(await sign(key))).resolves.toBeTruthy();
    expect(server.count('/jwks')).toBe(1);
  });

  it('keeps working when the storage is full', async () => {
    server.json('/jwks', { keys: [key.publicJwk] });
    const full = makeStorage();
    full.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    await expect(verifierWith(webStorage(full)).verify(await sign(key))).resolves.toBeTruthy();
  });

  it('uses the prefix, and clear() removes the entry', async () => {
    server.json('/jwks', { keys: [key.publicJwk] });
    const storage = makeStorage();
    const v = verifierWith(webStorage(storage, 'app1:'));
    await v.hydrate();
    expect(storage.getItem(`app1:jwks:${server.url}/jwks`)).not.toBeNull();
    await v.clear();
    expect(storage.getItem(`app1:jwks:${server.url}/jwks`)).toBeNull();
  });
});

describe('webStorage()', () => {
  it('refuses something that is not a Storage', () => {
    expect(() => webStorage({} as Storage)).toThrow(TypeError);
  });
});

describe('kvStore()', () => {
  function fakeKv() {
    const values = new Map<string, string>();
    const ttls: number[] = [];
    return {
      values,
      ttls,
      get: async (k: string) => values.get(k) ?? null,
      put: async (k: string, v: string, options: { expirationTtl: number }) => {
        values.set(k, v);
        ttls.push(options.expirationTtl);
      },
      delete: async (k: string) => void values.delete(k),
    };
  }

  it('shares the set between isolates through the KV, with a TTL covering maxStale', async () => {
    server.json('/jwks', { keys: [key.publicJwk] }, { cacheControl: 'max-age=300' });
    const kv = fakeKv();
    await verifierWith(kvStore(kv)).verify(await sign(key));
    await verifierWith(kvStore(kv)).verify(await sign(key));
    expect(server.count('/jwks')).toBe(1);
    expect(kv.ttls).toEqual([300 + 86400]);
  });

  it('never asks the KV for a TTL under 60 s (Workers KV refuses it)', async () => {
    server.json('/jwks', { keys: [key.publicJwk] }, { cacheControl: 'no-store' });
    const kv = fakeKv();
    await verifierWith(kvStore(kv, { maxStale: 0 })).hydrate();
    expect(kv.ttls).toEqual([60]);
  });

  // Issue 20, bug 3: maxStale '1d' used to reach the KV as expirationTtl NaN.
  it('takes maxStale as any duration, and refuses a bad one at once, naming the store', async () => {
    server.json('/jwks', { keys: [key.publicJwk] }, { cacheControl: 'max-age=300' });
    const kv = fakeKv();
    await verifierWith(kvStore(kv, { maxStale: '1d' })).hydrate();
    expect(kv.ttls).toEqual([300 + 86400]);
    expect(() => kvStore(kv, { maxStale: 'soon' as never })).toThrow(
      /^kvStore: maxStale must be a number of seconds/,
    );
    expect(() => kvStore(kv, { maxStal: 5 } as never)).toThrow(
      'kvStore: unknown option "maxStal" (did you mean "maxStale"?)',
    );
    expect(() =>
      redisStore(
        { get: async () => null, setEx: async () => 'OK', del: async () => 1 },
        { prefix: 5 as never },
      ),
    ).toThrow('redisStore: prefix must be a string');
  });

  it('accepts stores that return parsed objects (Deno KV), and survives a failing KV', async () => {
    server.json('/jwks', { keys: [key.publicJwk] });
    const objects = new Map<string, unknown>();
    const deno = kvStore({
      get: async (k) => objects.get(k),
      put: async (k, v) => void objects.set(k, JSON.parse(v)),
    });
    await verifierWith(deno).hydrate();
    await verifierWith(deno).hydrate();
    expect(server.count('/jwks')).toBe(1);
    const broken = kvStore({
      get: async () => {
        throw new Error('KV down');
      },
      put: async () => {
        throw new Error('KV down');
      },
    });
    await expect(verifierWith(broken).verify(await sign(key))).resolves.toBeTruthy();
  });

  it('refuses something that is not a KV', () => {
    expect(() => kvStore({} as never)).toThrow(TypeError);
  });
});

describe('memoryStore()', () => {
  it('is private to the verifiers given the same instance', async () => {
    server.json('/jwks', { keys: [key.publicJwk] });
    await verifierWith(memoryStore()).hydrate();
    await verifierWith(memoryStore()).hydrate();
    expect(server.count('/jwks')).toBe(2);
  });
});

describe('stores shared by browser tabs', () => {
  it('marks localStorage, and only it, as shared by the tabs', () => {
    expect((webStorage(mapStorage()) as Partial<SharedKeyStore>)[CROSS_TAB]).toBeUndefined();
    if (typeof localStorage !== 'undefined') {
      expect(typeof (webStorage(localStorage) as Partial<SharedKeyStore>)[CROSS_TAB]).toBe(
        'function',
      );
    }
  });

  // IndexedDB and the Cache API are tested in Chromium (test/e2e/cross-tab-browser.test.ts)
  // and the Cache API in workerd (test/e2e/workers-stores.test.ts).
  it.runIf(typeof indexedDB === 'undefined')('indexedDbStore() says where it works', () => {
    expect(() => indexedDbStore()).toThrow(/needs IndexedDB/);
  });
  it.runIf(typeof caches === 'undefined')('cacheApiStore() says where it works', () => {
    expect(() => cacheApiStore()).toThrow(/needs the Cache API/);
  });

  it('denoKvStore() refuses something that is not a Deno.Kv', () => {
    expect(() => denoKvStore({} as never)).toThrow(TypeError);
  });
});
