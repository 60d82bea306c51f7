import ky from 'ky';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createFetch,
  createVerifier,
  localJwks,
  type TokenContext,
  type VerifiedTokenOptions,
} from '../../src/index.js';
import { withVerifiedToken } from '../../src/ky.js';
import { kyFetchOption } from '../helpers/buffered-fetch.js';
import { ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { refusal } from '../helpers/outcome.js';
import { ResourceApi } from '../helpers/resource-api.js';

let api: ResourceApi;
let key: TestKey;

beforeAll(async () => {
  api = await new ResourceApi().start();
  key = await makeKey('disc-1');
});
afterAll(() => api.stop());
beforeEach(() => {
  api = Object.assign(api, {
    log: [],
    metadataFetches: 0,
    metadata: { authorization_servers: [ISSUER] },
    metadataHeaders: { 'cache-control': 'max-age=60' },
    metadataDelay: 0,
    metadataBody: undefined,
    requiredScope: undefined,
    metadataUrl: () => `${api.url}/.well-known/oauth-protected-resource`,
  });
});

type Options = Omit<VerifiedTokenOptions, 'verifier'>;
type Send = (url: string, init?: RequestInit) => Promise<Response>;
const verifier = () =>
  createVerifier({
    keys: localJwks(key.publicJwk),
    issuer: [ISSUER, 'https://other.test'],
    audience: null,
  });
const clients: [string, (options: Options) => Send][] = [
  [
    'ky',
    (options) => {
      const client = withVerifiedToken(ky.create({ throwHttpErrors: false, ...kyFetchOption }), {
        verifier: verifier(),
        ...options,
      });
      return (url, init) => client(url, init as never);
    },
  ],
  ['createFetch', (options) => createFetch({ verifier: verifier(), ...options })],
];
const tokenFor = ({ resource }: TokenContext, scope = 'read', iss = ISSUER) =>
  sign(key, { aud: resource, scope, iss });
const authorizations = () => api.calls.map((c) => c.headers.authorization);

describe.each(clients)('%s with discover: true', (_name, client) => {
  const discovering = (extra: Partial<Options> = {}) =>
    client({ getToken: tokenFor, discover: true, allowedOrigins: [api.url], ...extra });

  it('sends nothing until the metadata names the resource, then retries once with its token', async () => {
    const getToken = vi.fn(tokenFor);
    const response = await discovering({ getToken })(`${api.url}/me`);
    expect(response.status).toBe(200);
    expect(getToken.mock.calls).toEqual([
      [{ url: `${api.url}/me`, resource: api.url, scopes: undefined }],
    ]);
    expect(authorizations()).toEqual([undefined, expect.stringMatching(/^Bearer /)]);
    expect(api.metadataFetches).toBe(1);
  });

  it('fetches the metadata once for many concurrent requests, and keeps it while fresh', async () => {
    api.metadataDelay = 150;
    const send = discovering();
    const responses = await Promise.all(Array.from({ length: 8 }, () => send(`${api.url}/x`)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(api.metadataFetches).toBe(1);
    api.log = [];
    await send(`${api.url}/y`);
    expect(authorizations()).toEqual([expect.stringMatching(/^Bearer /)]);
  });

  it('uses a document without max-age for that request only', async () => {
    api.metadataHeaders = { 'cache-control': 'no-store' };
    const send = discovering();
    await send(`${api.url}/a`);
    await send(`${api.url}/b`);
    expect(api.metadataFetches).toBe(2);
    expect(authorizations().map((a) => a !== undefined)).toEqual([false, true, false, true]);
  });

  it.each([
    ['names another resource', () => (api.metadata = { resource: 'https://elsewhere.test' })],
    ['names a sibling path', () => (api.metadata = { resource: `${api.url}/other` })],
    ['is over 64 KiB', () => (api.metadata = { pad: 'x'.repeat(70_000) })],
    ['is not JSON', () => (api.metadataBody = '<html>login</html>')],
  ])('refuses a document that %s, sending no token', async (_what, spoil) => {
    spoil();
    const getToken = vi.fn(tokenFor);
    const error = await refusal(discovering({ getToken })(`${api.url}/me`));
    expect([error.code, error.claim]).toEqual(['ERR_RESOURCE_MISMATCH', 'resource']);
    expect(getToken).not.toHaveBeenCalled();
    expect(authorizations()).toEqual([undefined]);
  });

  it('takes authorization_servers as the issuers', async () => {
    const send = discovering({ getToken: (c) => tokenFor(c, 'read', 'https://other.test') });
    const error = await refusal(send(`${api.url}/me`));
    expect([error.code, error.claim]).toEqual(['ERR_RESOURCE_MISMATCH', 'iss']);
    expect(authorizations()).toEqual([undefined]);
  });

  it('learns nothing for an origin outside allowedOrigins', async () => {
    const other = api.url.replace('127.0.0.1', 'localhost');
    const response = await discovering()(`${other}/me`);
    expect(response.status).toBe(401);
    expect(api.metadataFetches).toBe(0);
  });
});

describe.each(clients)('%s with an insufficient_scope answer', (_name, client) => {
  const entries = () => [{ url: api.url, resource: api.url, scopes: ['read'] }];

  it('refreshes with the challenge scopes added, and retries once', async () => {
    api.requiredScope = 'write';
    const refresh = vi.fn((c: TokenContext) => tokenFor(c, 'read write'));
    const send = client({ getToken: tokenFor, refresh, resources: entries() });
    expect((await send(`${api.url}/files`)).status).toBe(200);
    expect(refresh.mock.calls).toEqual([
      [{ url: `${api.url}/files`, resource: api.url, scopes: ['read', 'write'] }],
    ]);
    expect(api.calls).toHaveLength(2);
  });

  it('returns the second answer as it is, without another refresh', async () => {
    api.requiredScope = 'write';
    const refresh = vi.fn((c: TokenContext) => {
      api.requiredScope = 'admin'; // the server moves on: the retry is still 403
      return tokenFor(c, 'read write');
    });
    const send = client({ getToken: tokenFor, refresh, resources: entries() });
    const response = await send(`${api.url}/files`);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="admin"');
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(api.calls).toHaveLength(2);
  });

  it('never sends a refreshed token that still lacks the scopes', async () => {
    api.requiredScope = 'write';
    const send = client({ getToken: tokenFor, refresh: (c) => tokenFor(c), resources: entries() });
    const error = await refusal(send(`${api.url}/files`));
    expect([error.code, error.claim]).toEqual(['ERR_RESOURCE_MISMATCH', 'scope']);
    expect(api.calls).toHaveLength(1);
  });
});

describe('discover: true against a slow metadata server', () => {
  it('gives up after 5 s of the whole fetch, sending no token', async () => {
    api.metadataDelay = 5500;
    const send = createFetch({
      verifier: verifier(),
      getToken: tokenFor,
      discover: true,
      allowedOrigins: [api.url],
    });
    const started = Date.now();
    const error = await refusal(send(`${api.url}/me`));
    expect([error.code, error.claim]).toEqual(['ERR_RESOURCE_MISMATCH', 'resource']);
    expect(Date.now() - started).toBeLessThan(5400);
    expect(authorizations()).toEqual([undefined]);
  });
});
