import { exportJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDpopVerifier,
  createVerifier,
  localJwks,
  memoryReplayStore,
  type DpopVerifierOptions,
  type ReplayStore,
} from '../../src/index.js';
import { ath, makeProof, makeProofKey, type ProofKey } from '../helpers/dpop.js';
import { AUDIENCE, ISSUER, makeKey, sign, withPart, type TestKey } from '../helpers/keys.js';
import { codeAndClaim, codeOf, refusal } from '../helpers/outcome.js';

const URL_ = 'https://api.example.com/orders';
let issuerKey: TestKey;
let client: ProofKey;
let other: ProofKey;
let token: string;

beforeAll(async () => {
  issuerKey = await makeKey('as-1');
  [client, other] = await Promise.all([makeProofKey(), makeProofKey()]);
  token = await sign(issuerKey, { cnf: { jkt: client.jkt } });
});

const dpopVerifier = (options: Partial<DpopVerifierOptions> = {}) =>
  createDpopVerifier({
    verifier: createVerifier({
      keys: localJwks(issuerKey.publicJwk),
      issuer: ISSUER,
      audience: AUDIENCE,
    }),
    ...options,
  });

const request = (
  proof: string | string[] | undefined,
  options: { auth?: string; method?: string; url?: string } = {},
) => {
  const headers = new Headers();
  if (options.auth !== '') headers.set('authorization', options.auth ?? `DPoP ${token}`);
  for (const value of proof === undefined ? [] : [proof].flat()) headers.append('dpop', value);
  return new Request(options.url ?? URL_, { method: options.method ?? 'GET', headers });
};

const goodProof = (
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  key = client,
) => makeProof(key, { htm: 'GET', htu: URL_, ath: ath(token), ...claims }, header);

describe('createDpopVerifier: a token and its proof (RFC 9449 §4.3, §7)', () => {
  it('accepts a proof made for this request, and returns the token with the proof key thumbprint', async () => {
    const result = await dpopVerifier().verify(request(await goodProof()));
    expect(result.jkt).toBe(client.jkt);
    expect(result.token).toBe(token);
    expect(result.payload).toMatchObject({ sub: 'user-1', cnf: { jkt: client.jkt } });
    expect(result.header.kid).toBe('as-1');
  });

  it('takes method, URL and a plain header record too (Node), and refuses repeated headers there', async () => {
    const proof = await goodProof();
    const verifier = dpopVerifier();
    await expect(
      verifier.verify({
        method: 'GET',
        url: URL_,
        headers: { authorization: `DPoP ${token}`, dpop: proof },
      }),
    ).resolves.toMatchObject({ jkt: client.jkt });
    expect(
      await codeAndClaim(
        verifier.verify({
          method: 'GET',
          url: URL_,
          headers: { authorization: `DPoP ${token}`, dpop: [proof, proof] },
        }),
      ),
    ).toEqual(['ERR_DPOP_INVALID', undefined]);
    // Node's req.url is a path: the public URL must be given, or nothing can be compared.
    await expect(
      verifier.verify({
        method: 'GET',
        url: '/orders',
        headers: { authorization: `DPoP ${token}`, dpop: await goodProof() },
      }),
    ).rejects.toThrow(TypeError);
  });

  it('refuses requests without the DPoP scheme or without exactly one proof', async () => {
    const proof = await goodProof();
    const verifier = dpopVerifier();
    expect(await codeAndClaim(verifier.verify(request(proof, { auth: '' })))).toEqual([
      'ERR_DPOP_INVALID',
      undefined,
    ]);
    // RFC 9449 §7.2: a bound token presented as a bearer token
    expect(
      await codeAndClaim(verifier.verify(request(proof, { auth: `Bearer ${token}` }))),
    ).toEqual(['ERR_DPOP_INVALID', 'cnf']);
    const unbound = await sign(issuerKey);
    expect(
      await codeAndClaim(verifier.verify(request(proof, { auth: `Bearer ${unbound}` }))),
    ).toEqual(['ERR_DPOP_INVALID', undefined]);
    expect(await codeAndClaim(verifier.verify(request(undefined)))).toEqual([
      'ERR_DPOP_INVALID',
      undefined,
    ]);
    expect(await codeAndClaim(verifier.verify(request([proof, await goodProof()])))).toEqual([
      'ERR_DPOP_INVALID',
      undefined,
    ]);
    expect(await codeAndClaim(verifier.verify(request('not.a-proof')))).toEqual([
      'ERR_DPOP_INVALID',
      undefined,
    ]);
    // the scheme is case-insensitive (RFC 9110 §11.1)
    await expect(verifier.verify(request(proof, { auth: `dpop ${token}` }))).resolves.toBeDefined();
  });

  it('refuses a proof over 4 KiB before parsing it', async () => {
    const big = await goodProof({ padding: 'x'.repeat(4096) });
    const error = await refusal(dpopVerifier().verify(request(big)));
    expect([error.code, error.message]).toEqual([
      'ERR_DPOP_INVALID',
      expect.stringMatching(/4096/),
    ]);
  });

  it('checks typ and alg', async () => {
    const verifier = dpopVerifier();
    expect(
      await codeAndClaim(verifier.verify(request(await goodProof({}, { typ: 'JWT' })))),
    ).toEqual(['ERR_DPOP_INVALID', 'typ']);
    expect(
      await codeAndClaim(verifier.verify(request(await goodProof({}, { typ: undefined })))),
    ).toEqual(['ERR_DPOP_INVALID', 'typ']);
    const es384 = await makeProofKey('ES384');
    const only256 = dpopVerifier({ algorithms: ['ES256'] });
    const boundTo384 = await sign(issuerKey, { cnf: { jkt: es384.jkt } });
    const proof384 = await makeProof(es384, { htm: 'GET', htu: URL_, ath: ath(boundTo384) });
    expect(
      await codeAndClaim(only256.verify(request(proof384, { auth: `DPoP ${boundTo384}` }))),
    ).toEqual(['ERR_DPOP_INVALID', 'alg']);
    await expect(
      dpopVerifier().verify(request(proof384, { auth: `DPoP ${boundTo384}` })),
    ).resolves.toMatchObject({ jkt: es384.jkt });
    // an HMAC "proof" (the key would be the attacker's to choose) is never allowed
    const hs = withPart(await goodProof(), 0, {
      typ: 'dpop+jwt',
      alg: 'HS256',
      jwk: client.publicJwk,
    });
    expect(await codeAndClaim(verifier.verify(request(hs)))).toEqual(['ERR_DPOP_INVALID', 'alg']);
  });

  it('uses only a public jwk of the type alg needs', async () => {
    const verifier = dpopVerifier();
    const { d } = await exportJWK(client.privateKey);
    for (const jwk of [
      undefined,
      { ...client.publicJwk, d },
      { kty: 'oct', k: 'c2VjcmV0' },
      { ...client.publicJwk, crv: 'P-384' },
      { ...client.publicJwk, x: 'AAAA' },
      { kty: 'EC', crv: 'P-256', x: client.publicJwk.x },
      // a point off the curve is WebCrypto's refusal at import
      { ...client.publicJwk, y: client.publicJwk.x },
    ]) {
      expect(
        await codeAndClaim(verifier.verify(request(await goodProof({}, { jwk })))),
        JSON.stringify(jwk),
      ).toEqual(['ERR_DPOP_INVALID', 'jwk']);
    }
    // a header parameter of the wrong type is a malformed proof (RFC 7515 §4.1.3)
    expect(await codeOf(verifier.verify(request(await goodProof({}, { jwk: 'key' }))))).toBe(
      'ERR_DPOP_INVALID',
    );
  });

  it('checks the signature with the proof key', async () => {
    const verifier = dpopVerifier();
    // signed by another key than the one in the header
    const foreign = await makeProof(
      client,
      { htm: 'GET', htu: URL_, ath: ath(token) },
      {},
      other.privateKey,
    );
    expect(await codeAndClaim(verifier.verify(request(foreign)))).toEqual([
      'ERR_DPOP_INVALID',
      'signature',
    ]);
    const proof = await goodProof();
    const tampered = withPart(proof, 1, {
      ...JSON.parse(Buffer.from(proof.split('.')[1]!, 'base64url').toString()),
      htm: 'POST',
    });
    expect(await codeAndClaim(verifier.verify(request(tampered, { method: 'POST' })))).toEqual([
      'ERR_DPOP_INVALID',
      'signature',
    ]);
  });

  it('checks htm and htu against the request, htu after RFC 3986 normalization and without query', async () => {
    const verifier = dpopVerifier();
    expect(await codeAndClaim(verifier.verify(request(await goodProof({ htm: 'POST' }))))).toEqual([
      'ERR_DPOP_INVALID',
      'htm',
    ]);
    expect(
      await codeAndClaim(
        verifier.verify(request(await goodProof({ htu: 'https://api.example.com/admin' }))),
      ),
    ).toEqual(['ERR_DPOP_INVALID', 'htu']);
    expect(
      await codeAndClaim(
        verifier.verify(request(await goodProof({ htu: 'https://other.example.com/orders' }))),
      ),
    ).toEqual(['ERR_DPOP_INVALID', 'htu']);
    expect(
      await codeAndClaim(
        verifier.verify(request(await goodProof({ htu: 'http://api.example.com/orders' }))),
      ),
    ).toEqual(['ERR_DPOP_INVALID', 'htu']);
    expect(
      await codeAndClaim(verifier.verify(request(await goodProof({ htu: undefined })))),
    ).toEqual(['ERR_DPOP_INVALID', 'htu']);
    await expect(
      verifier.verify(request(await goodProof(), { url: `${URL_}?page=2#top` })),
    ).resolves.toBeDefined();
    const odd = 'HTTPS://API.Example.COM:443/a/./b/../%7euser%2f';
    await expect(
      verifier.verify(
        request(await goodProof({ htu: odd }), { url: 'https://api.example.com/a/~user%2F' }),
      ),
    ).resolves.toBeDefined();
  });

  it('refuses an htu that is not an RFC 3986 URI, even where the WHATWG parser would repair it', async () => {
    const verifier = dpopVerifier();
    const { host, pathname } = new URL(URL_);
    for (const htu of [
      `https:\\\\${host}${pathname.replaceAll('/', '\\')}`,
      ` ${URL_}`,
      `${URL_}\t`,
      `https:${host}${pathname}`,
      `https:///${host}${pathname}`,
    ]) {
      expect(await codeAndClaim(verifier.verify(request(await goodProof({ htu }))))).toEqual([
        'ERR_DPOP_INVALID',
        'htu',
      ]);
    }
  });

  it('accepts iat within maxAge and leeway, and refuses older or future proofs', async () => {
    const now = Math.floor(Date.now() / 1000);
    const verifier = dpopVerifier({ maxAge: '1m', leeway: 5 });
    await expect(
      verifier.verify(request(await goodProof({ iat: now - 60 }))),
    ).resolves.toBeDefined();
    await expect(
      verifier.verify(request(await goodProof({ iat: now + 4 }))),
    ).resolves.toBeDefined();
    expect(
      await codeAndClaim(verifier.verify(request(await goodProof({ iat: now - 67 })))),
    ).toEqual(['ERR_DPOP_INVALID', 'iat']);
    expect(await codeAndClaim(verifier.verify(request(await goodProof({ iat: now + 7 }))))).toEqual(
      ['ERR_DPOP_INVALID', 'iat'],
    );
    expect(
      await codeAndClaim(verifier.verify(request(await goodProof({ iat: String(now) })))),
    ).toEqual(['ERR_DPOP_INVALID', 'iat']);
    // the default: 5 minutes
    expect(
      await codeAndClaim(dpopVerifier().verify(request(await goodProof({ iat: now - 320 })))),
    ).toEqual(['ERR_DPOP_INVALID', 'iat']);
    await expect(
      dpopVerifier().verify(request(await goodProof({ iat: now - 290 }))),
    ).resolves.toBeDefined();
  });

  it('binds the proof to the token (ath) and the token to the proof key (cnf.jkt)', async () => {
    const verifier = dpopVerifier();
    expect(
      await codeAndClaim(verifier.verify(request(await goodProof({ ath: undefined })))),
    ).toEqual(['ERR_DPOP_INVALID', 'ath']);
    expect(
      await codeAndClaim(verifier.verify(request(await goodProof({ ath: ath(`${token}x`) })))),
    ).toEqual(['ERR_DPOP_INVALID', 'ath']);
    // the token copied to another key pair: a valid proof from that key, but cnf names ours
    const stolen = await makeProof(other, { htm: 'GET', htu: URL_, ath: ath(token) });
    expect(await codeAndClaim(verifier.verify(request(stolen)))).toEqual([
      'ERR_DPOP_INVALID',
      'cnf',
    ]);
    const unbound = await sign(issuerKey);
    const forUnbound = await makeProof(client, { htm: 'GET', htu: URL_, ath: ath(unbound) });
    expect(
      await codeAndClaim(verifier.verify(request(forUnbound, { auth: `DPoP ${unbound}` }))),
    ).toEqual(['ERR_DPOP_INVALID', 'cnf']);
  });

  it('keeps the access token its own codes', async () => {
    const expired = await sign(issuerKey, {
      cnf: { jkt: client.jkt },
      exp: Math.floor(Date.now() / 1000) - 10,
    });
    const proof = await makeProof(client, { htm: 'GET', htu: URL_, ath: ath(expired) });
    expect(await codeOf(dpopVerifier().verify(request(proof, { auth: `DPoP ${expired}` })))).toBe(
      'ERR_TOKEN_EXPIRED',
    );
  });

  it('refuses a replayed proof (jti), and records a jti only once every other check holds', async () => {
    const calls: string[] = [];
    const inner = memoryReplayStore();
    const replay: ReplayStore = { add: (id, ttl) => (calls.push(id), inner.add(id, ttl)) };
    const verifier = dpopVerifier({ replay });
    const proof = await goodProof({ jti: 'one' });
    expect(await codeAndClaim(verifier.verify(request(proof, { method: 'POST' })))).toEqual([
      'ERR_DPOP_INVALID',
      'htm',
    ]);
    expect(calls).toEqual([]);
    await verifier.verify(request(proof));
    expect(await codeAndClaim(verifier.verify(request(proof)))).toEqual([
      'ERR_DPOP_INVALID',
      'jti',
    ]);
    expect(calls).toEqual([`${client.jkt}:one`, `${client.jkt}:one`]);
    // the same jti from another key is another proof
    const theirs = await sign(issuerKey, { cnf: { jkt: other.jkt } });
    const otherProof = await makeProof(other, {
      jti: 'one',
      htm: 'GET',
      htu: URL_,
      ath: ath(theirs),
    });
    await expect(
      verifier.verify(request(otherProof, { auth: `DPoP ${theirs}` })),
    ).resolves.toBeDefined();
  });

  it('fails closed when the replay store fails', async () => {
    const verifier = dpopVerifier({
      replay: { add: () => Promise.reject(new Error('redis down')) },
    });
    expect(await codeAndClaim(verifier.verify(request(await goodProof())))).toEqual([
      'ERR_DPOP_INVALID',
      'jti',
    ]);
  });

  it('with nonce: true, asks for its nonce, accepts it, and rotates it', async () => {
    let now = Date.now();
    const verifier = dpopVerifier({ nonce: true, clock: () => now, maxAge: 60 });
    const error = await refusal(verifier.verify(request(await goodProof())));
    expect([error.code, error.claim]).toEqual(['ERR_DPOP_NONCE_REQUIRED', 'nonce']);
    expect(error.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await verifier.nonce()).toBe(error.nonce);
    await expect(
      verifier.verify(request(await goodProof({ nonce: error.nonce }))),
    ).resolves.toBeDefined();
    const wrong = await refusal(verifier.verify(request(await goodProof({ nonce: 'made-up' }))));
    expect([wrong.code, wrong.nonce]).toEqual(['ERR_DPOP_NONCE_REQUIRED', error.nonce]);
    // one rotation later the previous nonce still works; two rotations later it does not
    now += 61_000;
    const rotated = await verifier.nonce();
    expect(rotated).not.toBe(error.nonce);
    await expect(
      verifier.verify(
        request(await goodProof({ nonce: error.nonce, iat: Math.floor(now / 1000) })),
      ),
    ).resolves.toBeDefined();
    now += 61_000;
    expect(
      await codeOf(
        verifier.verify(
          request(await goodProof({ nonce: error.nonce, iat: Math.floor(now / 1000) })),
        ),
      ),
    ).toBe('ERR_DPOP_NONCE_REQUIRED');
  });

  it('with a nonce function, accepts only what it returns now', async () => {
    let current = 'n-1';
    const verifier = dpopVerifier({ nonce: () => current });
    await expect(
      verifier.verify(request(await goodProof({ nonce: 'n-1' }))),
    ).resolves.toBeDefined();
    current = 'n-2';
    const error = await refusal(verifier.verify(request(await goodProof({ nonce: 'n-1' }))));
    expect([error.code, error.nonce]).toEqual(['ERR_DPOP_NONCE_REQUIRED', 'n-2']);
  });

  it('throws TypeError for configuration mistakes', () => {
    const verifier = createVerifier({
      keys: localJwks(issuerKey.publicJwk),
      issuer: null,
      audience: null,
    });
    expect(() => createDpopVerifier({ verifier, algorithms: ['HS256' as never] })).toThrow(
      TypeError,
    );
    expect(() => createDpopVerifier({ verifier, algorithms: [] })).toThrow(TypeError);
    expect(() => createDpopVerifier({ verifier, maxAge: -1 })).toThrow(TypeError);
    expect(() => createDpopVerifier({ verifier, nonce: 'x' as never })).toThrow(TypeError);
    expect(() => createDpopVerifier({ verifier, replay: {} as never })).toThrow(TypeError);
    expect(() => createDpopVerifier({} as never)).toThrow(TypeError);
  });
});
