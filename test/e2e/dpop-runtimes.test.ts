import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDpop, memoryDpopStore, memoryReplayStore, type Dpop } from '../../src/index.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { runCommand } from '../helpers/spawn.js';
import { startWorker, type RunningWorker } from '../helpers/workerd.js';

// createDpopVerifier from the built dist/ in Node, Deno, Bun and Cloudflare workerd, against the
// same token and proofs; and replay detection across two Worker isolates sharing one store.
const root = resolve(import.meta.dirname, '../..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const URL_ = 'https://api.example.com/orders';

interface Row {
  name: string;
  expected: string;
  got: string;
}

let issuerKey: TestKey;
let dpop: Dpop;
let input: Record<string, unknown>;

beforeAll(async () => {
  issuerKey = await makeKey('as-1');
  const [mine, thief] = await Promise.all([
    createDpop({ store: memoryDpopStore() }),
    createDpop({ store: memoryDpopStore() }),
  ]);
  dpop = mine;
  const token = await sign(issuerKey, { cnf: { jkt: dpop.jkt } });
  const good = await dpop.proof({ method: 'GET', url: URL_, accessToken: token });
  const now = Math.floor(Date.now() / 1000);
  input = {
    jwk: issuerKey.publicJwk,
    issuer: ISSUER,
    audience: AUDIENCE,
    token,
    jkt: dpop.jkt,
    url: URL_,
    cases: [
      ['a proof made for this request', good, 'OK'],
      ['the same proof again', good, 'ERR_DPOP_INVALID:jti'],
      [
        'a proof for another URL',
        await dpop.proof({ method: 'GET', url: `${URL_}/x`, accessToken: token }),
        'ERR_DPOP_INVALID:htu',
      ],
      [
        'a proof for another method',
        await dpop.proof({ method: 'POST', url: URL_, accessToken: token }),
        'ERR_DPOP_INVALID:htm',
      ],
      [
        'a proof ten minutes old',
        await dpop.proof({ method: 'GET', url: URL_, accessToken: token, iat: now - 600 }),
        'ERR_DPOP_INVALID:iat',
      ],
      [
        'the token with a proof from another key',
        await thief.proof({ method: 'GET', url: URL_, accessToken: token }),
        'ERR_DPOP_INVALID:cnf',
      ],
      [
        'a proof without ath',
        await dpop.proof({ method: 'GET', url: URL_ }),
        'ERR_DPOP_INVALID:ath',
      ],
      [
        'the bound token as Bearer',
        await dpop.proof({ method: 'GET', url: URL_, accessToken: token }),
        'ERR_DPOP_INVALID:cnf',
        'Bearer',
      ],
      ['a tampered proof', `${good.slice(0, -4)}AAAA`, 'ERR_DPOP_INVALID:signature'],
    ],
  };
});

const expectAllPass = (rows: Row[]) => {
  expect(rows).toHaveLength((input.cases as unknown[]).length);
  for (const row of rows) expect(row.got, row.name).toBe(row.expected);
};
const rowsOf = (stdout: string): Row[] => JSON.parse(stdout.trim().split('\n').at(-1)!) as Row[];

describe('createDpopVerifier in every runtime (built dist/)', () => {
  it('Node', async () => {
    const ran = await runCommand(
      process.execPath,
      ['test/runtimes/dpop-harness.mjs', JSON.stringify(input)],
      60_000,
      root,
    );
    expect(ran.code, ran.stderr).toBe(0);
    expectAllPass(rowsOf(ran.stdout));
  });

  it('Deno', async () => {
    const ran = await runCommand(
      bin('deno'),
      [
        'run',
        '--allow-read',
        '--allow-env',
        'test/runtimes/dpop-harness.mjs',
        JSON.stringify(input),
      ],
      60_000,
      root,
    );
    expect(ran.code, ran.stderr).toBe(0);
    expectAllPass(rowsOf(ran.stdout));
  });

  it('Bun', async () => {
    const ran = await runCommand(
      bin('bun'),
      ['test/runtimes/dpop-harness.mjs', JSON.stringify(input)],
      60_000,
      root,
    );
    expect(ran.code, ran.stderr).toBe(0);
    expectAllPass(rowsOf(ran.stdout));
  });
});

describe('Cloudflare workerd', () => {
  const PUBLIC_ORIGIN = 'https://api.example.com';
  let isolates: RunningWorker[] = [];
  let replayServer: Server;
  let added = 0;

  beforeAll(async () => {
    // The shared store: one memoryReplayStore behind HTTP, as KV or Redis would be.
    const shared = memoryReplayStore();
    replayServer = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { id, ttlSeconds } = JSON.parse(body) as { id: string; ttlSeconds: number };
        added++;
        void shared
          .add(id, ttlSeconds)
          .then((ok) => res.writeHead(200).end(JSON.stringify({ added: ok })));
      });
    });
    await new Promise<void>((done) => replayServer.listen(0, '127.0.0.1', done));
    const replay = `http://127.0.0.1:${(replayServer.address() as AddressInfo).port}`;
    const bindings = (name: string) => ({
      NAME: name,
      JWK: JSON.stringify(issuerKey.publicJwk),
      ISSUER,
      AUDIENCE,
      REPLAY: replay,
      PUBLIC_ORIGIN,
    });
    isolates = await Promise.all([
      startWorker('test/runtimes/dpop-worker.mjs', 'dpop-a', bindings('a')),
      startWorker('test/runtimes/dpop-worker.mjs', 'dpop-b', bindings('b')),
    ]);
  }, 60_000);
  afterAll(async () => {
    for (const isolate of isolates) isolate.stop();
    await new Promise<void>((done) => replayServer.close(() => done()));
  });

  it('passes the scenario in a Worker', async () => {
    const response = await fetch(`${isolates[0]!.url}/scenario`, {
      method: 'POST',
      body: JSON.stringify(input),
    });
    expectAllPass((await response.json()) as Row[]);
  });

  it('refuses in one isolate a proof the other has seen, through the shared replay store', async () => {
    const [a, b] = isolates as [RunningWorker, RunningWorker];
    const token = input.token as string;
    const call = async (isolate: RunningWorker, proof: string) =>
      (
        await fetch(`${isolate.url}/orders`, {
          headers: { authorization: `DPoP ${token}`, dpop: proof },
        })
      ).json();
    const proof = await dpop.proof({
      method: 'GET',
      url: `${PUBLIC_ORIGIN}/orders`,
      accessToken: token,
    });
    const before = added;
    expect(await call(a, proof)).toEqual({ isolate: 'a', sub: 'user-1', jkt: dpop.jkt });
    expect(await call(b, proof)).toEqual({ isolate: 'b', code: 'ERR_DPOP_INVALID', claim: 'jti' });
    expect(added - before).toBe(2);
    const fresh = await dpop.proof({
      method: 'GET',
      url: `${PUBLIC_ORIGIN}/orders`,
      accessToken: token,
    });
    expect(await call(b, fresh)).toEqual({ isolate: 'b', sub: 'user-1', jkt: dpop.jkt });
  });
});
