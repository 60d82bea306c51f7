import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, jwks, redisStore } from '../../src/index.js';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { startProcess } from '../helpers/spawn.js';

const REDIS = '/usr/bin/redis-server';

/** Like Chromium: a missing redis-server fails CI loudly and skips with a warning elsewhere. */
function redisAvailable(): boolean {
  if (existsSync(REDIS)) return true;
  const message = `redis-server is missing at ${REDIS}: apt-get install -y redis-server (.ci/run does).`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n*** SKIPPING Redis tests. ${message}\n`);
  return false;
}

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

// A real Redis (Debian's redis-server, started here on a free port, no persistence) and the
// official node-redis client.
describe.runIf(redisAvailable())('redisStore() against a real Redis', () => {
  let redisProcess: ChildProcess;
  let redis: ReturnType<typeof createClient>;
  let server: KeyServer;
  let key: TestKey;
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
    server = await new KeyServer().start();
    key = await makeKey('r1');
  }, 30_000);
  afterAll(async () => {
    await redis?.quit().catch(() => undefined);
    redisProcess?.kill('SIGKILL');
    await server?.stop();
  });
  afterEach(() => server.reset());

  const source = () => {
    const path = `/jwks-${++n}`;
    server.json(path, { keys: [key.publicJwk] }, { cacheControl: 'max-age=300' });
    return { path, url: `${server.url}${path}` };
  };
  const verifierWith = (url: string, cache = redisStore(redis)) =>
    createVerifier({
      keys: jwks(url, { retry: 0, timeout: 1 }),
      issuer: ISSUER,
      audience: AUDIENCE,
      cache,
    });

  it('shares one fetch between instances, with SETEX covering freshness + maxStale', async () => {
    const { path, url } = source();
    await verifierWith(url).verify(await sign(key));
    // Writes are not awaited by verify: wait until the entry is there.
    await expect.poll(() => redis.exists(`tokenward:jwks:${url}`)).toBe(1);
    await verifierWith(url).verify(await sign(key));
    expect(server.count(path)).toBe(1);
    const ttl = await redis.ttl(`tokenward:jwks:${url}`);
    expect(ttl).toBeGreaterThan(300 + 86400 - 10);
    expect(ttl).toBeLessThanOrEqual(300 + 86400);
  });

  it('uses the prefix, and clear() deletes the entry', async () => {
    const { url } = source();
    const verifier = verifierWith(url, redisStore(redis, { prefix: 'app1:' }));
    await verifier.hydrate();
    await expect.poll(() => redis.exists(`app1:jwks:${url}`)).toBe(1);
    await verifier.clear();
    expect(await redis.exists(`app1:jwks:${url}`)).toBe(0);
  });

  it.each([
    ['text that is not JSON', () => '{"v":1,'],
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
    [
      'a symmetric key',
      () =>
        JSON.stringify({
          v: 1,
          keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'r1' }],
          refused: {},
          fetchedAt: 1,
          freshUntil: 9e15,
        }),
    ],
  ])('ignores %s written into Redis and refetches', async (_what, poison) => {
    const { path, url } = source();
    await redis.set(`tokenward:jwks:${url}`, poison());
    await expect(verifierWith(url).verify(await sign(key))).resolves.toBeTruthy();
    expect(server.count(path)).toBe(1);
  });

  it('treats a Redis that stops answering as a miss, within the source timeout', async () => {
    const { path, url } = source();
    const port = await freePort();
    const silent = await startProcess(
      REDIS,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      /Ready to accept connections/,
    );
    const client = createClient({ url: `redis://127.0.0.1:${port}` });
    client.on('error', () => undefined); // reconnect noise once the server is stopped
    await client.connect();
    silent.kill('SIGSTOP'); // alive but frozen: commands never answer
    try {
      const started = Date.now();
      await expect(
        verifierWith(url, redisStore(client)).verify(await sign(key)),
      ).resolves.toBeTruthy();
      expect(server.count(path)).toBe(1);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.kill('SIGKILL');
      client.destroy();
    }
  });

  it('refuses something that is not a Redis client', () => {
    expect(() => redisStore({} as never)).toThrow(TypeError);
  });
});
