import ky from 'ky';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createFetch,
  createVerifier,
  localJwks,
  type TokenContext,
  type VerifiedTokenOptions,
} from '../../src/index.js';
import { withVerifiedToken } from '../../src/ky.js';
import { ApiServer } from '../helpers/api-server.js';
import { kyFetchOption } from '../helpers/buffered-fetch.js';
import { decodePart, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { refusal } from '../helpers/outcome.js';

let a: ApiServer;
let b: ApiServer;
let key: TestKey;
const RA = 'https://a.api.test';
const RB = 'https://b.api.test/v2';

beforeAll(async () => {
  [a, b] = await Promise.all([new ApiServer().start(), new ApiServer().start()]);
  key = await makeKey('res-1');
});
afterAll(() => Promise.all([a.stop(), b.stop()]));
afterEach(() => {
  a.reset();
  b.reset();
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

const entries = () => [
  { url: `${a.url}/`, resource: RA, scopes: ['read'] },
  { url: `${b.url}/v2/`, resource: RB, issuers: [ISSUER] },
];
const tokenFor = (resource: string, scope = 'read write', extra = {}) =>
  sign(key, { aud: resource, scope, ...extra });
/** Every byte that reached a server: its Authorization headers and bodies. */
const seenBy = (server: ApiServer) =>
  server.requests.map((r) => `${r.authorization ?? ''} ${r.body}`).join('\n');

describe.each(clients)('%s with resources', (_name, client) => {
  it('sends each API its own token, and tells getToken which one', async () => {
    const tokens = new Map([
      [RA, await tokenFor(RA)],
      [RB, await tokenFor(RB)],
    ]);
    const getToken = vi.fn(({ resource }: TokenContext) => tokens.get(resource!));
    const send = client({ getToken, resources: entries() });
    await send(`${a.url}/me`);
    await send(`${b.url}/v2/files?x=1`);
    expect(a.calls.map((c) => c.authorization)).toEqual([`Bearer ${tokens.get(RA)}`]);
    expect(b.calls.map((c) => c.authorization)).toEqual([`Bearer ${tokens.get(RB)}`]);
    expect(getToken.mock.calls.map(([c]) => c)).toEqual([
      { url: `${a.url}/me`, resource: RA, scopes: ['read'] },
      { url: `${b.url}/v2/files?x=1`, resource: RB, scopes: undefined },
    ]);
  });

  it('never sends a token minted for another API: zero bytes of it leave', async () => {
    const wrong = await tokenFor(RA);
    const send = client({ getToken: () => wrong, resources: entries() });
    const error = await refusal(send(`${b.url}/v2/files`));
    expect([error.code, error.claim]).toEqual(['ERR_RESOURCE_MISMATCH', 'aud']);
    expect(error.message).not.toContain(wrong);
    expect(b.requests).toHaveLength(0);
  });

  it('refreshes once for the resource when the token does not fit, and sends the fresh one', async () => {
    const fresh = await tokenFor(RB);
    const refresh = vi.fn(() => fresh);
    const send = client({ getToken: () => tokenFor(RA), refresh, resources: entries() });
    expect((await send(`${b.url}/v2/x`)).status).toBe(200);
    expect(refresh.mock.calls).toEqual([
      [{ url: `${b.url}/v2/x`, resource: RB, scopes: undefined }],
    ]);
    expect(b.calls.map((c) => c.authorization)).toEqual([`Bearer ${fresh}`]);
  });

  it('refuses a token short of the scopes, or from another issuer, even after refresh', async () => {
    const short = await tokenFor(RA, 'write');
    const send = client({ getToken: () => short, refresh: () => short, resources: entries() });
    const scope = await refusal(send(`${a.url}/me`));
    expect([scope.code, scope.claim]).toEqual(['ERR_RESOURCE_MISMATCH', 'scope']);
    const foreign = await tokenFor(RB, '', { iss: 'https://other.test' });
    const iss = await refusal(
      client({ getToken: () => foreign, resources: entries() })(`${b.url}/v2/`),
    );
    expect([iss.code, iss.claim]).toEqual(['ERR_RESOURCE_MISMATCH', 'iss']);
    expect(a.requests.length + b.requests.length).toBe(0);
  });

  it('gives nothing to sibling paths and look-alike origins', async () => {
    const getToken = vi.fn(() => tokenFor(RB));
    const send = client({ getToken, resources: entries() });
    const lookAlike = b.url.replace('127.0.0.1', 'localhost');
    for (const url of [
      `${b.url}/v2x`,
      `${b.url}/v`,
      `${b.url}/`,
      `${b.url}/v2/../v3`,
      `${lookAlike}/v2/`,
    ])
      await send(url);
    expect(getToken).not.toHaveBeenCalled();
    expect(b.calls.map((c) => c.authorization)).toEqual(Array(5).fill(undefined));
  });

  it('picks the longest matching path', async () => {
    const admin = 'https://a.api.test/admin';
    const send = client({
      getToken: ({ resource }) => tokenFor(resource!),
      resources: [...entries(), { url: `${a.url}/admin`, resource: admin }],
    });
    await send(`${a.url}/admin/users`);
    await send(`${a.url}/admin`);
    await send(`${a.url}/administrators`);
    const audiences = a.calls.map((c) => decodePart(c.authorization!.slice(7), 1).aud);
    expect(audiences).toEqual([admin, admin, RA]);
  });

  it('keeps plain allowedOrigins for origins no entry covers', async () => {
    const token = await sign(key);
    const send = client({
      getToken: ({ resource }) => (resource === undefined ? token : tokenFor(resource)),
      resources: [{ url: `${b.url}/v2`, resource: RB }],
      allowedOrigins: [a.url, b.url],
    });
    await send(`${a.url}/anything`);
    await send(`${b.url}/v3`);
    expect(a.calls.map((c) => c.authorization)).toEqual([`Bearer ${token}`]);
    expect(b.calls.map((c) => c.authorization)).toEqual([undefined]);
    expect(seenBy(b)).not.toContain(token.split('.')[2]);
  });
});

describe('resources options', () => {
  const make = (resources: unknown) =>
    createFetch({ verifier: verifier(), getToken: () => 'x', resources } as never);

  it.each([
    [{ url: '/api', resource: RA }],
    [{ url: 'http://api.example.com/', resource: RA }],
    [{ url: 'https://api.example.com/' }],
    [{ url: 'https://u:p@api.example.com/', resource: RA }],
    [{ url: 'https://api.example.com/', resource: RA, scopes: ['read write'] }],
    'https://api.example.com/',
  ])('refuses %j at creation, naming the function', (entry) => {
    expect(() => make(typeof entry === 'string' ? entry : [entry])).toThrow(/^createFetch: /);
  });

  it('needs no allowedOrigins when resources are given, outside a browser too', () => {
    expect(() => make([{ url: 'https://api.example.com/', resource: RA }])).not.toThrow();
  });
});
