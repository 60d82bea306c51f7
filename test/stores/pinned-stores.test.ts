import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { calculateJwkThumbprint } from 'jose';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, jwks, kvStore, redisStore, type KeyStore } from '../../src/index.js';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { codeOf } from '../helpers/outcome.js';
import { startProcess } from '../helpers/spawn.js';

const REDIS = '/usr/bin/redis-server';

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

// A well-formed key set written into a store by someone else (API.md: a store cannot tell it
// from one tokenward wrote) is refused for a pinned source, in a real Redis and a KV namespace.
describe.runIf((existsSync(REDIS) || process.env.CI === 'true') && typeof window === 'undefined')(
  'planted store entries and a pinned source',
  () => {
    let redisProcess: ChildProcess;
    let redis: ReturnType<typeof createClient>;
    const server = new KeyServer();
    let k1: TestKey;
    let evil: TestKey;
    let pin: string;
    let n = 0;

    beforeAll(async () => {
      const port = await freePort();
      redisProcess = await startProcess(
        REDIS,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        /Ready to accept connections/,
      );
      redis = createClient({ url: `redis://127.0.0.1:${port}` });
      await redis.connect();
      await server.start();
      [k1, evil] = await Promise.all([makeKey('k1'), makeKey('k1')]);
      pin = await calculateJwkThumbprint(k1.publicJwk, 'sha256');
    }, 30_000);
    afterAll(async () => {
      await redis?.quit().catch(() => undefined);
      redisProcess?.kill('SIGKILL');
      await server.stop();
    });

    const kv = new Map<string, string>();
    const stores: [string, () => KeyStore, (id: string, entry: string) => Promise<unknown>][] = [
      ['redisStore', () => redisStore(redis), (id, entry) => redis.set(`tokenward:${id}`, entry)],
      [
        'kvStore',
        () =>
          kvStore({
            get: (key) => kv.get(key) ?? null,
            put: (key, value) => void kv.set(key, value),
            delete: (key) => void kv.delete(key),
          }),
        async (id, entry) => kv.set(id, entry),
      ],
    ];

    it.each(stores)(
      '%s: the planted set is refused and the pinned one fetched',
      async (_, store, plant) => {
        const path = `/jwks-${++n}`;
        server.json(path, { keys: [k1.publicJwk] }, { cacheControl: 'max-age=300' });
        const url = `${server.url}${path}`;
        const entry = {
          v: 1,
          keys: [evil.publicJwk],
          refused: {},
          fetchedAt: Date.now(),
          freshUntil: Date.now() + 3_600_000,
        };
        await plant(`jwks:${url}`, JSON.stringify(entry));
        const verifierWith = (pins?: string[]) =>
          createVerifier({
            keys: jwks(url, { retry: 0, ...(pins ? { pins } : {}) }),
            issuer: ISSUER,
            audience: AUDIENCE,
            cache: store(),
          });
        const forged = await sign(evil, { sub: 'admin' });
        // The attack works without pins: that is what the planted entry is for.
        expect(await codeOf(verifierWith().verify(forged))).toBe('OK');
        expect(server.count(path)).toBe(0);
        const pinned = verifierWith([pin]);
        expect(await codeOf(pinned.verify(forged))).toBe('ERR_SIGNATURE_INVALID');
        expect(await codeOf(pinned.verify(await sign(k1)))).toBe('OK');
        expect(server.count(path)).toBe(1);
      },
    );
  },
);
