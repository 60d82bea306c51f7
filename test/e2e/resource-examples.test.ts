import type { ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { checkChallenges, type ChallengeTokens } from '../helpers/challenge-checks.js';
import { KeyServer } from '../helpers/key-server.js';
import { ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { startProcess } from '../helpers/spawn.js';
import { startWorker, type RunningWorker } from '../helpers/workerd.js';

// The protectResource examples, run as their READMEs say against a local key server, their
// answers checked header by header (the same checks as in Node: test/resource/protect.test.ts).
const root = resolve(import.meta.dirname, '../..');
// Behind a proxy the public name differs from the listener's: the resource is the public one.
const RESOURCE = 'https://files.example.test';
let keys: KeyServer;
let key: TestKey;
let tokens: ChallengeTokens;

beforeAll(async () => {
  keys = await new KeyServer().start();
  key = await makeKey('rs-1');
  keys.json('/jwks', { keys: [key.publicJwk] });
  const token = (claims: Record<string, unknown> = {}) =>
    sign(
      key,
      { aud: RESOURCE, scope: 'read', client_id: 'spa', jti: randomUUID(), ...claims },
      { typ: 'at+jwt' },
    );
  tokens = {
    good: await token(),
    expired: await token({ exp: Math.floor(Date.now() / 1000) - 60 }),
    otherAudience: await token({ aud: 'https://other.example.test' }),
  };
});
afterAll(() => keys.stop());

const sendTo =
  (base: string) =>
  (path: string, headers: [string, string][] = []) =>
    fetch(`${base}${path}`, { headers });

describe('examples/resource-worker in workerd', () => {
  let worker: RunningWorker | undefined;
  beforeAll(async () => {
    worker = await startWorker('examples/resource-worker/worker.mjs', 'resource-worker', {
      RESOURCE,
      ISSUER,
      JWKS_URL: `${keys.url}/jwks`,
    });
  }, 60_000);
  afterAll(() => worker?.stop());

  it('answers as RFC 6750 and RFC 9728 say', async () => {
    await checkChallenges(sendTo(worker!.url), RESOURCE, tokens);
  });
});

describe('examples/resource-deno in Deno', () => {
  let deno: ChildProcess | undefined;
  let url = '';
  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    deno = await startProcess(
      'env',
      [
        `RESOURCE=${RESOURCE}`,
        `ISSUER=${ISSUER}`,
        `JWKS_URL=${keys.url}/jwks`,
        `PORT=${port}`,
        join(root, 'node_modules/.bin/deno'),
        'run',
        `--allow-net=127.0.0.1`,
        '--allow-env',
        '--allow-read',
        `--config=${join(root, 'examples/resource-deno/deno.json')}`,
        join(root, 'examples/resource-deno/server.ts'),
      ],
      /Listening on/,
      60_000,
    );
  }, 70_000);
  afterAll(() => void deno?.kill('SIGKILL'));

  it('answers as RFC 6750 and RFC 9728 say', async () => {
    await checkChallenges(sendTo(url), RESOURCE, tokens);
  });
});

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
