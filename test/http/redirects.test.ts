import ky from 'ky';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFetch, createVerifier, localJwks, type VerifiedToken } from '../../src/index.js';
import { withVerifiedToken } from '../../src/ky.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { ScriptedServer } from '../helpers/scripted-server.js';
import { kyFetchOption } from '../helpers/buffered-fetch.js';

// A real server pair: the allowed API (127.0.0.1) redirects to a foreign origin (localhost,
// another origin), which hands back a validly signed token for the attacker's own account.
const allowed = new ScriptedServer();
const foreign = new ScriptedServer();
let key: TestKey;
let attackersOwnToken: string;

beforeAll(async () => {
  await Promise.all([allowed.start('127.0.0.1'), foreign.start('localhost')]);
  key = await makeKey('redirects');
  attackersOwnToken = await sign(key, { sub: 'attacker' });
});
afterAll(() => Promise.all([allowed.stop(), foreign.stop()]));
afterEach(() => {
  allowed.reset();
  foreign.reset();
});

const verifier = () =>
  createVerifier({ keys: localJwks(key.publicJwk), issuer: ISSUER, audience: AUDIENCE });

const clients = {
  createFetch: (options: Parameters<typeof createFetch>[0]) => (url: string) =>
    createFetch(options)(url),
  'ky (tokenward/ky)': (options: Parameters<typeof createFetch>[0]) => (url: string) =>
    withVerifiedToken(ky.create({ retry: 0, ...kyFetchOption }), options).get(url),
};

describe.each(Object.entries(clients))('redirects through %s', (_, client) => {
  it('never reads a token from a foreign origin reached by a redirect, and never sends it there', async () => {
    allowed.script = [(_req, res) => res.writeHead(302, { location: `${foreign.url}/swap` }).end()];
    foreign.script = [
      (_req, res) => res.writeHead(200, { 'x-token': attackersOwnToken }).end('{}'),
    ];
    const stored: VerifiedToken[] = [];
    const consulted: string[] = [];
    const send = client({
      verifier: verifier(),
      getToken: () => sign(key, { sub: 'victim' }),
      allowedOrigins: [allowed.url],
      responseToken: (response) => {
        consulted.push(response.url);
        return response.headers.get('x-token');
      },
      onToken: (verified) => void stored.push(verified),
    });
    const response = await send(`${allowed.url}/me`);
    expect(response.status).toBe(200);
    expect(allowed.seen[0]!.headers.authorization).toMatch(/^Bearer /);
    expect(foreign.seen[0]!.headers.authorization).toBeUndefined();
    expect(consulted).toEqual([]);
    expect(stored).toEqual([]);
  });

  it('still reads the token from an allowed origin after a same-origin redirect', async () => {
    const fresh = await sign(key, { sub: 'victim', n: 2 });
    allowed.script = [
      (_req, res) => res.writeHead(302, { location: '/moved' }).end(),
      (_req, res) => res.writeHead(200, { 'x-token': fresh }).end('{}'),
    ];
    const stored: string[] = [];
    const send = client({
      verifier: verifier(),
      getToken: () => sign(key, { sub: 'victim' }),
      allowedOrigins: [allowed.url],
      responseToken: (response) => response.headers.get('x-token'),
      onToken: (verified) => void stored.push(verified.token),
    });
    await send(`${allowed.url}/me`);
    expect(stored).toEqual([fresh]);
  });
});
