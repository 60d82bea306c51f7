import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDpopVerifier,
  createVerifier,
  localJwks,
  redisReplayStore,
} from '../../src/index.js';
import { ath, makeProof, makeProofKey } from '../helpers/dpop.js';
import { AUDIENCE, ISSUER, makeKey, sign } from '../helpers/keys.js';
import { codeAndClaim } from '../helpers/outcome.js';
import { resultRows, runCommand, startProcess } from '../helpers/spawn.js';

const REDIS = '/usr/bin/redis-server';
const root = resolve(import.meta.dirname, '../..');

function redisAvailable(): boolean {
  if (existsSync(REDIS)) return true;
  const message = `redis-server is missing at ${REDIS}: apt-get install -y redis-server (.ci/run does).`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n*** SKIPPING Redis replay tests. ${message}\n`);
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

// A real redis-server started here, and both clients people use: node-redis and ioredis.
describe.runIf(redisAvailable() && typeof window === 'undefined')(
  'redisReplayStore() against a real Redis',
  () => {
    let redisProcess: ChildProcess;
    let port: number;
    let nodeRedis: ReturnType<typeof createClient>;
    let ioredis: Redis;

    beforeAll(async () => {
      port = await freePort();
      redisProcess = await startProcess(
        REDIS,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        /Ready to accept connections/,
      );
      nodeRedis = createClient({ url: `redis://127.0.0.1:${port}` });
      await nodeRedis.connect();
      ioredis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    }, 30_000);
    afterAll(async () => {
      await nodeRedis?.quit().catch(() => undefined);
      ioredis?.disconnect();
      redisProcess?.kill('SIGKILL');
    });

    const clients = () =>
      [
        ['node-redis', nodeRedis],
        ['ioredis', ioredis],
      ] as const;

    it('records an id once, with its TTL, through either client', async () => {
      for (const [name, client] of clients()) {
        const store = redisReplayStore(client as never);
        const id = `${name}-${randomUUID()}`;
        expect(await store.add(id, 30)).toBe(true);
        expect(await store.add(id, 30)).toBe(false);
        const ttl = await nodeRedis.ttl(`tokenward:replay:${id}`);
        expect(ttl).toBeGreaterThan(25);
        expect(ttl).toBeLessThanOrEqual(30);
      }
    });

    it.each(['redis', 'ioredis'])(
      'lets exactly one of two processes (%s) win each id',
      async (client) => {
        const ids = Array.from({ length: 50 }, () => randomUUID());
        const input = JSON.stringify({ client, port, ids, startAt: Date.now() + 1500 });
        const runs = await Promise.all(
          [0, 1].map(() =>
            runCommand(process.execPath, ['test/runtimes/replay-race.mjs', input], 30_000, root),
          ),
        );
        const [a, b] = runs.map((ran) => resultRows(ran) as unknown[]);
        for (let i = 0; i < ids.length; i++) expect([a![i], b![i]].sort()).toEqual([false, true]);
      },
      40_000,
    );

    it('refuses (fails closed) when Redis does not answer within 2 s', async () => {
      const store = redisReplayStore(nodeRedis);
      redisProcess.kill('SIGSTOP');
      try {
        const started = Date.now();
        await expect(store.add(randomUUID(), 30)).rejects.toThrow(/within 2000 ms/);
        expect(Date.now() - started).toBeLessThan(3000);
        // Through a DPoP verifier: the proof is refused, not let through.
        const issuer = await makeKey('as-r');
        const proofKey = await makeProofKey();
        const token = await sign(issuer, { cnf: { jkt: proofKey.jkt } });
        const url = 'https://api.example.com/x';
        const dpop = createDpopVerifier({
          verifier: createVerifier({
            keys: localJwks(issuer.publicJwk),
            issuer: ISSUER,
            audience: AUDIENCE,
          }),
          replay: store,
        });
        const proof = await makeProof(proofKey, { htm: 'GET', htu: url, ath: ath(token) });
        const request = new Request(url, {
          headers: { authorization: `DPoP ${token}`, dpop: proof },
        });
        expect(await codeAndClaim(dpop.verify(request))).toEqual(['ERR_DPOP_INVALID', 'jti']);
      } finally {
        redisProcess.kill('SIGCONT');
      }
    }, 20_000);

    it('refuses a client without set', () => {
      expect(() => redisReplayStore({} as never)).toThrow(/^redisReplayStore/);
    });
  },
);
