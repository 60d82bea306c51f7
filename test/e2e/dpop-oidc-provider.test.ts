import ky from 'ky';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import {
  startDpopProvider,
  tokenRequestBody,
  type DpopProvider,
} from '../helpers/dpop-provider.js';

// A real OpenID provider (oidc-provider) with its DPoP feature on and nonces required, issuing
// JWT access tokens for one API. The token request runs as an SPA runs it, through createFetch
// with `dpop`; the API checks each call with createDpopVerifier.
let provider: DpopProvider;
let issuer: string;
let api: DpopApi;

beforeAll(async () => {
  api = await new DpopApi().start();
  provider = await startDpopProvider(api.url);
  issuer = provider.issuer;
  api.verifier = createDpopVerifier({ verifier: accessTokens() });
}, 30_000);

afterAll(() => Promise.all([provider.stop(), api.stop()]));

const accessTokens = () => createVerifier({ keys: discovery(issuer), issuer, audience: api.url });

/** The sign-in; its token request carries a proof and answers use_dpop_nonce once. */
async function signIn(dpop: Dpop) {
  const { code, codeVerifier } = await provider.authorize();
  const seen: number[] = [];
  const tokenFetch = createFetch({
    verifier: accessTokens(),
    getToken: () => undefined,
    allowedOrigins: [issuer],
    dpop,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      seen.push(response.status);
      return response;
    },
  });
  const response = await tokenFetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: tokenRequestBody(code, codeVerifier),
  });
  const body = (await response.json()) as { access_token?: string; token_type?: string };
  return { status: response.status, body, statuses: seen };
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
