import ky, { type KyInstance } from 'ky';
import ky1 from 'ky1';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createDpop,
  createDpopVerifier,
  createFetch,
  createVerifier,
  localJwks,
  memoryDpopStore,
  type Dpop,
  type DpopVerifierOptions,
  type VerifiedTokenOptions,
  type VerifierOptions,
} from '../../src/index.js';
import { withVerifiedToken } from '../../src/ky.js';
import { ath } from '../helpers/dpop.js';
import { DpopApi, proofClaims } from '../helpers/dpop-api.js';
import { ScriptedServer } from '../helpers/scripted-server.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { codeAndClaim } from '../helpers/outcome.js';
import { kyFetchOption } from '../helpers/buffered-fetch.js';

let api: DpopApi;
let foreign: DpopApi;
let issuerKey: TestKey;
let dpop: Dpop;
let bound: string;
const keyPair = memoryDpopStore();

beforeAll(async () => {
  [api, foreign, issuerKey, dpop] = await Promise.all([
    new DpopApi().start(),
    new DpopApi().start(),
    makeKey('as-1'),
    createDpop({ store: keyPair }),
  ]);
  bound = await sign(issuerKey, { cnf: { jkt: dpop.jkt } });
});
// Each test starts like a fresh page: the same key, no nonces learned yet.
beforeEach(async () => {
  dpop = await createDpop({ store: keyPair });
});
afterAll(() => Promise.all([api.stop(), foreign.stop()]));
afterEach(() => {
  api.reset();
  foreign.reset();
});

const tokenVerifier = (options: Partial<VerifierOptions> = {}) =>
  createVerifier({
    keys: localJwks(issuerKey.publicJwk),
    issuer: ISSUER,
    audience: AUDIENCE,
    ...options,
  } as VerifierOptions);
const serve = (options: Partial<DpopVerifierOptions> = {}) => {
  api.verifier = createDpopVerifier({ verifier: tokenVerifier(), ...options });
};

type Send = (url: string, init?: RequestInit) => Promise<Response>;
type Options = Omit<VerifiedTokenOptions, 'verifier'> &
  Partial<Pick<VerifiedTokenOptions, 'verifier'>>;

const clients: [string, (options: Options) => Send][] = [
  [
    'ky (tokenward/ky)',
    (options) => {
      const client = withVerifiedToken(ky.create({ throwHttpErrors: false, ...kyFetchOption }), {
        verifier: tokenVerifier(),
        allowedOrigins: [api.url],
        dpop,
        ...options,
      });
      return (url, init) => client(url, init as never);
    },
  ],
  [
    'ky 1.14',
    (options) => {
      const instance = ky1.create({
        throwHttpErrors: false,
        ...kyFetchOption,
      });
      const client = withVerifiedToken(instance as unknown as KyInstance, {
        verifier: tokenVerifier(),
        allowedOrigins: [api.url],
        dpop,
        ...options,
      });
      return (url, init) => client(url, init as never) as unknown as Promise<Response>;
    },
  ],
  [
    'createFetch',
    (options) => {
      const send = createFetch({
        verifier: tokenVerifier(),
        allowedOrigins: [api.url],
        dpop,
        ...kyFetchOption,
        ...options,
      });
      return (url, init) => send(url, init);
    },
  ],
];

describe.each(clients)('DPoP on the attach side, through %s', (_, client) => {
  it('sends a bound token as DPoP with one fresh proof per request, which the API accepts', async () => {
    serve();
    const send = client({ getToken: () => bound });
    const first = await send(`${api.url}/orders?page=1`, { method: 'POST', body: '{"item":1}' });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ sub: 'user-1', jkt: dpop.jkt, body: '{"item":1}' });
    expect((await send(`${api.url}/orders`)).status).toBe(200);
    const [one, two] = api.calls;
    expect(one!.authorization).toBe(`DPoP ${bound}`);
    expect(proofClaims(one!.dpop!)).toMatchObject({
      htm: 'POST',
      htu: `${api.url}/orders`,
      ath: ath(bound),
    });
    expect(proofClaims(two!.dpop!).jti).not.toBe(proofClaims(one!.dpop!).jti);
  });

  it('never sends a token bound to another key', async () => {
    serve();
    const other = await sign(issuerKey, { cnf: { jkt: 'A'.repeat(43) } });
    const send = client({ getToken: () => other });
    expect(await codeAndClaim(send(`${api.url}/orders`))).toEqual(['ERR_CLAIM_INVALID', 'cnf']);
    expect(api.calls).toEqual([]);
  });

  it('refreshes a token bound to another key when it can, and sends the fresh one', async () => {
    serve();
    const other = await sign(issuerKey, { cnf: { jkt: 'A'.repeat(43) } });
    const send = client({ getToken: () => other, refresh: () => bound });
    expect((await send(`${api.url}/orders`)).status).toBe(200);
    expect(api.calls.map((c) => c.authorization)).toEqual([`DPoP ${bound}`]);
  });

  it('sends a token without cnf as Bearer, with no proof', async () => {
    serve();
    const plain = await sign(issuerKey);
    const send = client({ getToken: () => plain });
    const response = await send(`${api.url}/orders`);
    expect(response.status).toBe(401); // this API takes DPoP only
    expect(api.calls.map((c) => [c.authorization, c.dpop])).toEqual([
      [`Bearer ${plain}`, undefined],
    ]);
  });

  it('gives another origin neither token nor proof', async () => {
    serve();
    foreign.verifier = api.verifier;
    const send = client({ getToken: () => bound });
    await send(`${foreign.url}/x`);
    expect(foreign.calls.map((c) => [c.authorization, c.dpop])).toEqual([[undefined, undefined]]);
  });

  it('answers use_dpop_nonce once, body included, then keeps using the nonce', async () => {
    serve({ nonce: true });
    const send = client({ getToken: () => bound });
    const response = await send(`${api.url}/orders`, { method: 'PUT', body: 'payload' });
    expect(response.status).toBe(200);
    expect(api.calls.map((c) => [c.status, c.body])).toEqual([
      [401, 'payload'],
      [200, 'payload'],
    ]);
    const nonce = await api.verifier!.nonce();
    expect(proofClaims(api.calls[0]!.dpop!).nonce).toBeUndefined();
    expect(proofClaims(api.calls[1]!.dpop!).nonce).toBe(nonce);
    api.calls = [];
    expect((await send(`${api.url}/orders`)).status).toBe(200);
    expect(api.calls.map((c) => c.status)).toEqual([200]);
  });

  it('retries only once: a second use_dpop_nonce answer is returned as it is', async () => {
    let count = 0;
    serve({ nonce: () => `n-${++count}` }); // a new nonce every time: never satisfied
    const send = client({ getToken: () => bound });
    const response = await send(`${api.url}/orders`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/use_dpop_nonce/);
    expect(api.calls).toHaveLength(2);
  });

  it('sends a proof without ath and no Authorization when there is no token (a token request), retrying a 400 use_dpop_nonce', async () => {
    api.tokenEndpointNonce = 'as-nonce';
    const send = client({ getToken: () => undefined });
    const response = await send(`${api.url}/token`, {
      method: 'POST',
      body: 'grant_type=authorization_code',
    });
    expect(response.status).toBe(200);
    expect(api.calls.map((c) => [c.status, c.authorization, c.body])).toEqual([
      [400, undefined, 'grant_type=authorization_code'],
      [200, undefined, 'grant_type=authorization_code'],
    ]);
    const retried = proofClaims(api.calls[1]!.dpop!);
    expect(retried).toMatchObject({ htm: 'POST', htu: `${api.url}/token`, nonce: 'as-nonce' });
    expect(retried.ath).toBeUndefined();
  });

  it("dates proofs by the verifier's issuer clock (clockSkew), so a wrong user clock is corrected", async () => {
    // The issuer and the API run an hour ahead of this user's clock.
    const ahead = await sign(
      issuerKey,
      { cnf: { jkt: dpop.jkt } },
      {},
      Math.floor(Date.now() / 1000) + 3600,
    );
    api.verifier = createDpopVerifier({
      verifier: tokenVerifier({ clock: () => Date.now() + 3_600_000 }),
      clock: () => Date.now() + 3_600_000,
    });
    const send = client({ getToken: () => ahead, verifier: tokenVerifier({ clockSkew: '1h' }) });
    expect((await send(`${api.url}/orders`)).status).toBe(200);
    const { iat } = proofClaims(api.calls[0]!.dpop!) as { iat: number };
    expect(Math.abs(iat - (Date.now() / 1000 + 3600))).toBeLessThan(5);
    // the same client with the local clock only: the API (an hour ahead) refuses its proofs
    api.calls = [];
    const local = client({ getToken: () => bound });
    expect(await (await local(`${api.url}/orders`)).json()).toEqual({
      code: 'ERR_DPOP_INVALID',
      claim: 'iat',
    });
  });
});

describe('DPoP and ky retries', () => {
  it("gives ky's own retry (a 503) a fresh proof: a proof is good for one request only", async () => {
    const flaky = await new ScriptedServer().start();
    try {
      for (const instance of [ky, ky1 as unknown as KyInstance]) {
        flaky.seen = [];
        flaky.script = [
          (_, res) => res.writeHead(503).end(),
          (_, res) => res.writeHead(200).end('{}'),
        ];
        const client = withVerifiedToken(
          instance.create({
            retry: { limit: 1, delay: () => 0 },
            ...kyFetchOption,
          }),
          { verifier: tokenVerifier(), getToken: () => bound, allowedOrigins: [flaky.url], dpop },
        );
        expect((await client.get(`${flaky.url}/x`)).status).toBe(200);
        const proofs = flaky.seen.map((req) => req.headers.dpop as string);
        expect(proofs).toHaveLength(2);
        expect(proofClaims(proofs[1]!).jti).not.toBe(proofClaims(proofs[0]!).jti);
        expect(flaky.seen.map((req) => req.headers.authorization)).toEqual([
          `DPoP ${bound}`,
          `DPoP ${bound}`,
        ]);
      }
    } finally {
      await flaky.stop();
    }
  });

  it('refuses a dpop option that is not from createDpop', () => {
    expect(() =>
      createFetch({
        verifier: tokenVerifier(),
        getToken: () => bound,
        allowedOrigins: [api.url],
        dpop: {} as Dpop,
      }),
    ).toThrow(TypeError);
  });
});
