import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { bundleWorker } from '../helpers/workerd.js';

const root = resolve(import.meta.dirname, '../..');

// kvStore(env.KEYS) over Workers KV and cacheApiStore() over caches.default, in workerd with
// miniflare's local KV and cache: a verifier per request, so the store alone carries the set.
describe('Cloudflare Workers stores (miniflare: workerd, local KV and Cache API)', () => {
  let server: KeyServer;
  let key: TestKey;
  let mf: Miniflare;
  let n = 0;

  beforeAll(async () => {
    server = await new KeyServer().start();
    key = await makeKey('w1');
    const dir = join(root, '.tmp/miniflare');
    mkdirSync(dir, { recursive: true });
    await bundleWorker('test/runtimes/stores-worker.mjs', join(dir, 'worker.js'));
    mf = new Miniflare({
      modules: true,
      scriptPath: join(dir, 'worker.js'),
      kvNamespaces: ['KEYS'],
      compatibilityDate: '2025-09-01',
    });
    await mf.ready;
  }, 60_000);
  afterAll(async () => {
    await mf?.dispose();
    await server?.stop();
  });

  const route = () => {
    const path = `/jwks-${++n}`;
    server.json(path, { keys: [key.publicJwk] }, { cacheControl: 'max-age=300' });
    return path;
  };
  const request = async (store: string, path: string, poison?: string) => {
    const body = {
      keyUrl: `${server.url}${path}`,
      token: await sign(key),
      store,
      poison,
      issuer: ISSUER,
      audience: AUDIENCE,
    };
    const response = await mf.dispatchFetch('http://worker.test/', {
      method: 'POST',
      body: JSON.stringify(body),
    });
    return ((await response.json()) as { outcome: string }).outcome;
  };

  describe.each([
    ['Workers KV, kvStore(env.KEYS)', 'kv'],
    ['the Cache API, cacheApiStore()', 'cache'],
  ])('%s', (_name, store) => {
    it('carries the key set across requests: 3 requests, 1 key fetch', async () => {
      const path = route();
      expect([
        await request(store, path),
        await request(store, path),
        await request(store, path),
      ]).toEqual(['ok', 'ok', 'ok']);
      expect(server.count(path)).toBe(1);
    });

    it.each([
      ['text that is not JSON', '{"v":1,'],
      [
        'a private key',
        () =>
          JSON.stringify({
            v: 1,
            keys: [key.privateJwk],
            refused: {},
            fetchedAt: 1,
            freshUntil: 9e15,
          }),
      ],
    ])('ignores %s and refetches', async (_what, poison) => {
      const path = route();
      const text = typeof poison === 'function' ? poison() : poison;
      expect(await request(store, path, text)).toBe('ok');
      expect(server.count(path)).toBe(1);
    });
  });
});
