import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChallenges, type ChallengeTokens } from '../helpers/challenge-checks.js';
import { KeyServer } from '../helpers/key-server.js';
import { ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { startProcess } from '../helpers/spawn.js';

// examples/hono, run as its README says (node serve.mjs: @hono/node-server on 127.0.0.1, the
// built package), against a local key server; its answers checked header by header with the
// same checks as the Worker and Deno examples (test/e2e/resource-examples.test.ts).
const root = resolve(import.meta.dirname, '../..');
// Behind a proxy the public name differs from the listener's: the resource is the public one.
const RESOURCE = 'https://files.example.test';
let keys: KeyServer;
let key: TestKey;
let tokens: ChallengeTokens;
let hono: ChildProcess | undefined;
let url = '';

const token = (claims: Record<string, unknown> = {}) =>
  sign(
    key,
    { aud: RESOURCE, scope: 'read', client_id: 'spa', jti: randomUUID(), ...claims },
    { typ: 'at+jwt' },
  );

beforeAll(async () => {
  keys = await new KeyServer().start();
  key = await makeKey('hono-1');
  keys.json('/jwks', { keys: [key.publicJwk] });
  tokens = {
    good: await token(),
    expired: await token({ exp: Math.floor(Date.now() / 1000) - 60 }),
    otherAudience: await token({ aud: 'https://other.example.test' }),
  };
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  hono = await startProcess(
    'env',
    [
      `RESOURCE=${RESOURCE}`,
      `ISSUER=${ISSUER}`,
      `JWKS_URL=${keys.url}/jwks`,
      `PORT=${port}`,
      process.execPath,
      join(root, 'examples/hono/serve.mjs'),
    ],
    /Listening on/,
    30_000,
  );
}, 40_000);
afterAll(async () => {
  hono?.kill('SIGKILL');
  await keys?.stop();
});

const send = (path: string, headers: [string, string][] = []) =>
  fetch(`${url}${path}`, { headers });

describe('examples/hono on @hono/node-server', () => {
  it('passes protectResource answers through as RFC 6750 and RFC 9728 say', async () => {
    await checkChallenges(send, RESOURCE, tokens);
  });

  it('sets the verified token on the context for the route', async () => {
    const both = await token({ scope: 'read write', sub: 'writer-7' });
    const answer = await send('/write', [['authorization', `Bearer ${both}`]]);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ sub: 'writer-7', path: '/write' });
    // An unknown route is Hono's own 404, not a challenge: the guard sits on routes only.
    const unknown = await send('/nowhere', [['authorization', `Bearer ${both}`]]);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('www-authenticate')).toBeNull();
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
