import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIdTokenVerifier, createVerifier, jwks } from '../../src/index.js';
import { createTokenVault, type TokenVaultOptions } from '../../src/sw.js';
import { KeyServer } from '../helpers/key-server.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';

// The vault's worker half driven by FetchEvent- and message-shaped objects, against a real HTTP
// server (the token endpoint, the key set and the API); the browser suite (test/e2e/vault-browser)
// runs the same code in a real service worker.
let server: KeyServer;
let key: TestKey;
let offset: number; // how far the vault's clock runs ahead, in ms

beforeAll(async () => {
  [server, key] = await Promise.all([new KeyServer().start(), makeKey('k1')]);
});
afterAll(() => server.stop());
beforeEach(() => {
  server.reset();
  server.json('/jwks', { keys: [key.publicJwk] });
  offset = 0;
});

const options = (extra: Partial<TokenVaultOptions> = {}): TokenVaultOptions => ({
  verifier: createVerifier({
    keys: jwks(`${server.url}/jwks`),
    issuer: ISSUER,
    audience: AUDIENCE,
    clock: () => Date.now() + offset,
  }),
  tokenEndpoints: [`${server.url}/token`],
  resources: [{ url: `${server.url}/api/`, resource: AUDIENCE }],
  idTokens: createIdTokenVerifier({
    issuer: ISSUER,
    clientId: 'spa',
    keys: jwks(`${server.url}/jwks`),
    clock: () => Date.now() + offset,
  }),
  refresh: { clientId: 'spa' },
  ...extra,
});

/** A FetchEvent as the vault sees it: the request, and what it answered (if it did). */
function fetchEvent(url: string, init?: RequestInit) {
  let answer: Promise<Response> | undefined;
  const event = {
    request: new Request(url, init),
    respondWith: (r: Response | Promise<Response>) => void (answer = Promise.resolve(r)),
  };
  return { event, answered: () => answer };
}

const tokenRequest = (path = '/token', grant = 'authorization_code') =>
  fetchEvent(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=${grant}&code=c`,
  });

async function exchange(vault: ReturnType<typeof createTokenVault>, path = '/token') {
  const { event, answered } = tokenRequest(path);
  expect(vault.handle(event)).toBe(true);
  const response = await answered()!;
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** Asks the vault over a MessageChannel, as the page does. */
function ask(vault: ReturnType<typeof createTokenVault>, data: Record<string, unknown>) {
  const { port1, port2 } = new MessageChannel();
  return new Promise<any>((resolve) => {
    port1.onmessage = ({ data: reply }) => {
      port1.close();
      resolve(reply);
    };
    expect(vault.message({ data: { channel: 'tokenward-vault', ...data }, ports: [port2] })).toBe(
      true,
    );
  });
}

/** Sends an API request through the vault; resolves with the Authorization the server got. */
async function sent(vault: ReturnType<typeof createTokenVault>, path: string, auth?: string) {
  const { event, answered } = fetchEvent(`${server.url}${path}`, {
    headers: auth === undefined ? {} : { authorization: auth },
  });
  server.json(path, {});
  const before = server.requests.length;
  if (!vault.handle(event))
    await fetch(event.request); // untouched: the browser sends it
  else await answered();
  return server.requests.slice(before).find((r) => r.path === path)?.headers.authorization;
}

describe('createTokenVault', () => {
  it('refuses a misconfiguration with a TypeError that names it', () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /createTokenVault needs an options object/],
      [{ ...options(), verifier: {} }, /"verifier" must come from createVerifier/],
      [{ ...options(), tokenEndpoints: [] }, /"tokenEndpoints" must list/],
      [{ ...options(), tokenEndpoints: ['http://idp.example.com/token'] }, /https: URL/],
      [{ ...options(), resources: undefined }, /"resources" or "allowedOrigins"/],
      [{ ...options(), allowedOrigins: ['https://api.example.com/v1'] }, /is not an origin/],
      [{ ...options(), refresh: {} }, /"refresh" must be \{ clientId/],
      [{ ...options(), tokenEndpoint: 'x' }, /unknown option "tokenEndpoint"/],
      [{ ...options(), resources: [{ url: 'http://api.example.com/', resource: 'a' }] }, /https:/],
    ];
    for (const [value, message] of cases)
      expect(() => createTokenVault(value as TokenVaultOptions)).toThrow(
        expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(message) }),
      );
  });

  it('keeps verified tokens, hands out placeholders, and checks the ID token against the announced nonce', async () => {
    const vault = createTokenVault(options());
    const access = await sign(key);
    const idToken = (nonce: string) => sign(key, { aud: 'spa', nonce });
    server.json('/token', {
      access_token: access,
      id_token: await idToken('n-2'),
      refresh_token: 'r1',
    });
    expect(await ask(vault, { type: 'expectNonce', nonce: 'n-1' })).toEqual({ ok: true });
    expect(await exchange(vault)).toEqual({
      status: 502,
      body: { error: 'invalid_token', code: 'ERR_CLAIM_INVALID' },
    });
    expect((await ask(vault, { type: 'status' })).status).toEqual({ state: 'signedOut' });

    server.json('/token', {
      access_token: access,
      id_token: await idToken('n-1'),
      refresh_token: 'r1',
      expires_in: 600,
    });
    const { status, body } = await exchange(vault);
    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^tokenward-vault-[\w-]{32}$/),
      id_token: expect.stringMatching(/^tokenward-vault-/),
      refresh_token: expect.stringMatching(/^tokenward-vault-/),
      expires_in: 600,
    });
    expect((await ask(vault, { type: 'status' })).status).toMatchObject({
      state: 'signedIn',
      claims: { sub: 'user-1' },
      idClaims: { nonce: 'n-1' },
    });
    expect(await sent(vault, '/api/me', `Bearer ${body.access_token}`)).toBe(`Bearer ${access}`);
    expect(await sent(vault, '/api/me')).toBe(`Bearer ${access}`);
    expect(await sent(vault, '/apix', `Bearer ${body.access_token}`)).toBe(
      `Bearer ${body.access_token}`,
    );
    // Signed out: the placeholder gets nothing.
    expect(await ask(vault, { type: 'signOut' })).toEqual({ ok: true });
    expect(await sent(vault, '/api/me', `Bearer ${body.access_token}`)).toBeUndefined();

    // A new sign-in gets new placeholders; the old one no longer gets the token.
    const again = await exchange(vault);
    expect(again.body.access_token).not.toBe(body.access_token);
    expect(await sent(vault, '/api/me', `Bearer ${body.access_token}`)).toBeUndefined();
    expect(await sent(vault, '/api/me', `Bearer ${again.body.access_token}`)).toBe(
      `Bearer ${access}`,
    );
  });

  it('drops an ID token it cannot verify, and lets answers without tokens through untouched', async () => {
    const vault = createTokenVault(options({ idTokens: undefined }));
    server.json('/token', { access_token: await sign(key), id_token: 'not.checked.here' });
    expect(Object.keys((await exchange(vault)).body)).toEqual(['access_token']);
    server.json('/token', { error: 'invalid_grant' });
    expect(await exchange(vault)).toEqual({ status: 200, body: { error: 'invalid_grant' } });
  });

  it('captures every spelling of the token endpoint path and refuses an answer too big to check', async () => {
    const vault = createTokenVault(options());
    const body = { access_token: await sign(key), padding: 'x'.repeat(70 * 1024) };
    for (const path of ['/token', '/Token/', '/%74oken']) {
      server.json(new URL(path, 'http://x').pathname, body);
      expect(await exchange(vault, path), path).toEqual({
        status: 502,
        body: { error: 'invalid_token', code: 'ERR_TOKEN_MALFORMED' },
      });
    }
  });

  it('renews an expired token with one refresh grant for concurrent requests; signs out when it fails', async () => {
    const vault = createTokenVault(options());
    server.json('/token', { access_token: await sign(key), refresh_token: 'r1' });
    await exchange(vault);
    offset += 3600_000;
    const fresh = await sign(key, {}, {}, Math.floor((Date.now() + offset) / 1000));
    server.json('/token', { access_token: fresh, refresh_token: 'r2' });
    const before = server.count('/token');
    const sends = await Promise.all(['/api/a', '/api/b', '/api/c'].map((p) => sent(vault, p)));
    expect(sends).toEqual([`Bearer ${fresh}`, `Bearer ${fresh}`, `Bearer ${fresh}`]);
    expect(server.count('/token') - before).toBe(1);
    const grant = server.requests.filter((r) => r.path === '/token').at(-1)!;
    expect(grant.headers['content-type']).toBe('application/x-www-form-urlencoded');

    offset += 3600_000;
    server.json('/token', { error: 'invalid_grant' });
    expect(await sent(vault, '/api/d')).toBeUndefined();
    expect((await ask(vault, { type: 'status' })).status).toEqual({ state: 'signedOut' });
  });
});
