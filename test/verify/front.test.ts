import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccessTokenVerifier,
  createDpop,
  createDpopVerifier,
  createFetch,
  createIdTokenVerifier,
  createMultiIssuerVerifier,
  createVerifier,
  localJwks,
  memoryDpopStore,
  type Dpop,
  type Verifier,
} from '../../src/index.js';
import { ISSUER_TIME } from '../../src/verify/front.js';
import { DpopApi, proofClaims } from '../helpers/dpop-api.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';

// Bug 1 of issue 20: every front dates DPoP proofs by its own clock and clockSkew, on the attach
// side and in createDpopVerifier's fallback. The issuer's time here is 3600 s after the epoch.
const ISSUER_NOW = 3600;
const clockOptions = { clock: () => 0, clockSkew: ISSUER_NOW };

let key: TestKey;
let dpop: Dpop;
let api: DpopApi;

beforeAll(async () => {
  [key, dpop, api] = await Promise.all([
    makeKey('front'),
    createDpop({ store: memoryDpopStore() }),
    new DpopApi().start(),
  ]);
});
afterAll(() => api.stop());
afterEach(() => api.reset());

const keys = () => localJwks(key.publicJwk);
const bound = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
  sign(key, { cnf: { jkt: dpop.jkt }, ...claims }, header, ISSUER_NOW);

const fronts: [string, () => Pick<Verifier, 'verify'>, () => Promise<string>][] = [
  [
    'createVerifier',
    () => createVerifier({ keys: keys(), issuer: ISSUER, audience: AUDIENCE, ...clockOptions }),
    () => bound(),
  ],
  [
    'createMultiIssuerVerifier',
    () =>
      createMultiIssuerVerifier({
        issuers: [{ issuer: ISSUER, keys: keys() }],
        audience: AUDIENCE,
        ...clockOptions,
      }),
    () => bound(),
  ],
  [
    'createAccessTokenVerifier',
    () =>
      createAccessTokenVerifier({
        keys: keys(),
        issuer: ISSUER,
        audience: AUDIENCE,
        ...clockOptions,
      }),
    () => bound({ client_id: 'app', jti: 'at-1' }, { typ: 'at+jwt' }),
  ],
  [
    'createIdTokenVerifier',
    () =>
      createIdTokenVerifier({
        keys: keys(),
        issuer: ISSUER,
        clientId: AUDIENCE,
        ...clockOptions,
      }),
    () => bound(),
  ],
];

describe.each(fronts)('%s carries its issuer time', (_, make, token) => {
  it('on the object itself, not in a registry', async () => {
    const verifier = make() as unknown as { [ISSUER_TIME]: (token?: string) => number };
    expect(Object.keys(verifier).sort()).toEqual(['clear', 'hydrate', 'verify']);
    expect(verifier[ISSUER_TIME](await token())).toBe(ISSUER_NOW * 1000);
  });

  it("dates the attach side's DPoP proofs by it (clock: () => 0, clockSkew: 3600 → iat 3600)", async () => {
    api.verifier = createDpopVerifier({ verifier: make() });
    const send = createFetch({
      verifier: make(),
      getToken: token,
      allowedOrigins: [api.url],
      dpop,
    });
    const response = await send(`${api.url}/orders`);
    expect(proofClaims(api.calls[0]!.dpop!).iat).toBe(ISSUER_NOW);
    // createDpopVerifier, given no clock, checks the proof on the same issuer time.
    expect(response.status).toBe(200);
  });

  it("makes createDpopVerifier's fallback refuse a proof dated by another clock", async () => {
    api.verifier = createDpopVerifier({ verifier: make() });
    // A verifier of the app's own making carries no issuer time: its proofs are dated now.
    const inner = make();
    const own = { verify: (t: string) => inner.verify(t) };
    const send = createFetch({ verifier: own, getToken: token, allowedOrigins: [api.url], dpop });
    expect(await (await send(`${api.url}/orders`)).json()).toEqual({
      code: 'ERR_DPOP_INVALID',
      claim: 'iat',
    });
  });
});
