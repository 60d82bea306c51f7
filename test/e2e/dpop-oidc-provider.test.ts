import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import ky from 'ky';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createDpop,
  createDpopVerifier,
  createFetch,
  createVerifier,
  discovery,
  memoryDpopStore,
  type Dpop,
} from '../../src/index.js';
import { withVerifiedToken } from '../../src/ky.js';
import { DpopApi, proofClaims } from '../helpers/dpop-api.js';

// A real OpenID provider (oidc-provider) with its DPoP feature on and nonces required, issuing
// JWT access tokens for one API (resource indicators). The sign-in runs as an SPA runs it, its
// token request through createFetch with `dpop`; the API checks each call with createDpopVerifier.
const CLIENT_ID = 'tokenward-dpop-spa';
const REDIRECT_URI = 'http://127.0.0.1/callback';

let server: Server;
let issuer: string;
let api: DpopApi;

beforeAll(async () => {
  api = await new DpopApi().start();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'op-1', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    features: {
      devInteractions: { enabled: true },
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => api.url,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'orders',
          audience: api.url,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    findAccount: (_ctx: unknown, accountId: string) => ({
      accountId,
      claims: () => ({ sub: accountId }),
    }),
  });
  server.on('request', provider.callback());
  warn.mockRestore();
  for (const [message] of warn.mock.calls)
    if (!/^oidc-provider WARNING: a quick start development-only/.test(String(message)))
      console.warn(message);
  api.verifier = createDpopVerifier({ verifier: accessTokens() });
}, 30_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await api.stop();
});

const accessTokens = () => createVerifier({ keys: discovery(issuer), issuer, audience: api.url });

/** Authorization code + PKCE through the development login; the token request carries a proof. */
async function signIn(dpop: Dpop) {
  const cookies = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(new URL(url, issuer), {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [name, ...value] = cookie.split(';')[0]!.split('=');
      cookies.set(name!, value.join('='));
    }
    return response;
  };
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/auth', issuer);
  authorize.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid orders',
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  let location = (await go(authorize.href)).headers.get('location')!;
  const steps: Record<string, string>[] = [
    { prompt: 'login', login: 'alice', password: 'any' },
    { prompt: 'consent' },
  ];
  for (const step of steps) {
    await go(location);
    location = (await go(location, form(step))).headers.get('location')!;
    location = (await go(location)).headers.get('location')!;
  }
  const code = new URL(location).searchParams.get('code');
  if (code === null) throw new Error(`no code in ${location}`);

  // The SPA's token request: createFetch adds the proof, and answers use_dpop_nonce once.
  const seen: Response[] = [];
  const tokenFetch = createFetch({
    verifier: accessTokens(),
    getToken: () => undefined,
    allowedOrigins: [issuer],
    dpop,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      seen.push(response.clone());
      return response;
    },
  });
  const response = await tokenFetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: CLIENT_ID,
    }).toString(),
  });
  const body = (await response.json()) as {
    access_token?: string;
    token_type?: string;
    error?: string;
  };
  return { status: response.status, body, statuses: seen.map((r) => r.status) };
}

describe('DPoP with a real OpenID provider (oidc-provider, features.dPoP)', () => {
  it('gets a DPoP-bound token with a proof (after the nonce retry), uses it through ky and createFetch, and every replay or copy is refused', async () => {
    const dpop = await createDpop({ store: memoryDpopStore() });
    const { status, body, statuses } = await signIn(dpop);
    expect(statuses).toEqual([400, 200]); // use_dpop_nonce, then the token
    expect(status).toBe(200);
    expect(body.token_type).toBe('DPoP');
    const token = body.access_token!;
    const { payload } = await accessTokens().verify(token);
    expect(payload).toMatchObject({
      iss: issuer,
      aud: api.url,
      sub: 'alice',
      cnf: { jkt: dpop.jkt },
    });

    const options = {
      verifier: accessTokens(),
      getToken: () => token,
      allowedOrigins: [api.url],
      dpop,
    };
    const apiFetch = createFetch(options);
    const viaFetch = await apiFetch(`${api.url}/orders`, { method: 'POST', body: 'order' });
    expect([viaFetch.status, await viaFetch.json()]).toEqual([
      200,
      { sub: 'alice', jkt: dpop.jkt, body: 'order' },
    ]);
    const viaKy = await withVerifiedToken(ky.create({ throwHttpErrors: false }), options)
      .get(`${api.url}/orders`)
      .json();
    expect(viaKy).toEqual({ sub: 'alice', jkt: dpop.jkt, body: '' });
    expect(api.calls.map((c) => c.authorization)).toEqual([`DPoP ${token}`, `DPoP ${token}`]);

    // What a thief can try with what it saw on the wire or in a log.
    const call = (proof: string, method = 'GET', path = '/orders', auth = `DPoP ${token}`) =>
      fetch(`${api.url}${path}`, { method, headers: { authorization: auth, dpop: proof } }).then(
        (r) => r.json(),
      );
    const now = Math.floor(Date.now() / 1000);
    const url = `${api.url}/orders`;
    const replayed = api.calls[1]!.dpop!;
    expect(await call(replayed)).toEqual({ code: 'ERR_DPOP_INVALID', claim: 'jti' });
    expect(
      await call(await dpop.proof({ method: 'GET', url: `${api.url}/admin`, accessToken: token })),
    ).toEqual({ code: 'ERR_DPOP_INVALID', claim: 'htu' });
    expect(await call(await dpop.proof({ method: 'DELETE', url, accessToken: token }))).toEqual({
      code: 'ERR_DPOP_INVALID',
      claim: 'htm',
    });
    expect(
      await call(await dpop.proof({ method: 'GET', url, accessToken: token, iat: now - 600 })),
    ).toEqual({ code: 'ERR_DPOP_INVALID', claim: 'iat' });
    const thief = await createDpop({ store: memoryDpopStore() });
    expect(await call(await thief.proof({ method: 'GET', url, accessToken: token }))).toEqual({
      code: 'ERR_DPOP_INVALID',
      claim: 'cnf',
    });
    expect(await call(await dpop.proof({ method: 'GET', url }))).toEqual({
      code: 'ERR_DPOP_INVALID',
      claim: 'ath',
    });
    expect(
      await call(
        await dpop.proof({ method: 'GET', url, accessToken: token }),
        'GET',
        '/orders',
        `Bearer ${token}`,
      ),
    ).toEqual({ code: 'ERR_DPOP_INVALID', claim: 'cnf' });
    // the thief's client refuses to send a token bound to another key at all
    const thiefFetch = createFetch({ ...options, dpop: thief });
    await expect(thiefFetch(url)).rejects.toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      claim: 'cnf',
    });
    expect(proofClaims(replayed).ath).toBeDefined();
  }, 30_000);
});
