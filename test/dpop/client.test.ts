import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createDpop,
  createDpopVerifier,
  createVerifier,
  localJwks,
  memoryDpopStore,
  type DpopKeyStore,
} from '../../src/index.js';
import { ath } from '../helpers/dpop.js';
import { proofClaims } from '../helpers/dpop-api.js';
import { AUDIENCE, ISSUER, makeKey, sign } from '../helpers/keys.js';

describe('createDpop', () => {
  it('makes a non-extractable ES256 key and proofs RFC 9449 §4.2 describes', async () => {
    const dpop = await createDpop({ store: memoryDpopStore() });
    expect(dpop.alg).toBe('ES256');
    expect(dpop.jkt).toBe(await calculateJwkThumbprint(dpop.publicJwk as never));
    const before = Math.floor(Date.now() / 1000);
    const proof = await dpop.proof({
      method: 'POST',
      url: 'https://API.example.com:443/orders?x=1#frag',
      accessToken: 'the-token',
    });
    const header = decodeProtectedHeader(proof);
    expect(header).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: dpop.publicJwk });
    expect(Object.keys(header.jwk!).sort()).toEqual(['crv', 'kty', 'x', 'y']); // nothing private
    const { payload } = await jwtVerify(proof, await importJWK(header.jwk!, 'ES256'), {
      typ: 'dpop+jwt',
    });
    expect(payload).toEqual({
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      htm: 'POST',
      htu: 'https://api.example.com/orders',
      iat: expect.any(Number),
      ath: ath('the-token'),
    });
    expect(payload.iat! - before).toBeLessThanOrEqual(1);
    const again = proofClaims(
      await dpop.proof({ method: 'POST', url: 'https://api.example.com/orders' }),
    );
    expect(again.jti).not.toBe(payload.jti);
    expect(again.ath).toBeUndefined();
  });

  it('keeps the key pair in its store: a second createDpop (a reload) has the same jkt', async () => {
    const store = memoryDpopStore();
    const first = await createDpop({ store });
    const second = await createDpop({ store });
    expect(second.jkt).toBe(first.jkt);
    const pair = await store.get();
    expect(pair!.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', pair!.privateKey)).rejects.toThrow();
  });

  it('falls back to memory where IndexedDB is missing, and fails loudly when a given store fails', async () => {
    expect((globalThis as { indexedDB?: unknown }).indexedDB).toBeUndefined();
    const dpop = await createDpop();
    expect(dpop.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const broken: DpopKeyStore = {
      get: () => Promise.reject(new Error('disk gone')),
      add: () => Promise.reject(new Error('disk gone')),
    };
    await expect(createDpop({ store: broken })).rejects.toThrow('disk gone');
  });

  it('never trusts a stored entry that is extractable or not a key pair', async () => {
    const extractable = (await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    let added: CryptoKeyPair | undefined;
    const store: DpopKeyStore = {
      get: () => Promise.resolve(extractable),
      add: (pair) => Promise.resolve((added = pair)),
    };
    const dpop = await createDpop({ store });
    expect(added!.privateKey.extractable).toBe(false);
    expect(dpop.jkt).not.toBe(
      await calculateJwkThumbprint(
        (await crypto.subtle.exportKey('jwk', extractable.publicKey)) as never,
      ),
    );
  });

  it('makes ES384 and Ed25519 keys on request, and refuses other algorithms', async () => {
    for (const alg of ['ES384', 'Ed25519'] as const) {
      const dpop = await createDpop({ alg, store: memoryDpopStore() });
      const proof = await dpop.proof({ method: 'GET', url: 'https://a.example/' });
      expect(decodeProtectedHeader(proof).alg).toBe(alg);
    }
    await expect(createDpop({ alg: 'RS256' as never })).rejects.toThrow(TypeError);
    await expect(createDpop({ alg: 'HS256' as never })).rejects.toThrow(TypeError);
  });

  it('remembers the latest DPoP-Nonce per origin and puts it in proofs', async () => {
    const dpop = await createDpop({ store: memoryDpopStore() });
    expect(dpop.learnNonce('https://a.example/x', new Headers({ 'dpop-nonce': 'n1' }))).toBe(true);
    expect(dpop.learnNonce('https://a.example/y', new Headers({ 'dpop-nonce': 'n1' }))).toBe(false);
    expect(dpop.learnNonce('https://a.example/y', new Headers({ 'dpop-nonce': 'bad nonce' }))).toBe(
      false,
    );
    expect(dpop.nonceFor('https://a.example/z')).toBe('n1');
    expect(dpop.nonceFor('https://b.example/')).toBeUndefined();
    expect(proofClaims(await dpop.proof({ method: 'GET', url: 'https://a.example/q' })).nonce).toBe(
      'n1',
    );
    expect(
      proofClaims(await dpop.proof({ method: 'GET', url: 'https://b.example/q' })).nonce,
    ).toBeUndefined();
    expect(
      proofClaims(
        await dpop.proof({
          method: 'GET',
          url: 'https://b.example/q',
          nonce: 'given',
          iat: 1000.7,
        }),
      ),
    ).toMatchObject({ nonce: 'given', iat: 1000 });
  });

  it('refuses a proof for a URL or method that cannot be one', async () => {
    const dpop = await createDpop({ store: memoryDpopStore() });
    await expect(dpop.proof({ method: 'GET', url: '/relative' })).rejects.toThrow(TypeError);
    await expect(dpop.proof({ method: 'GET X', url: 'https://a.example/' })).rejects.toThrow(
      TypeError,
    );
  });

  it('makes proofs createDpopVerifier accepts for a token bound to its key', async () => {
    const issuerKey = await makeKey('as-1');
    const dpop = await createDpop({ store: memoryDpopStore() });
    const token = await sign(issuerKey, { cnf: { jkt: dpop.jkt } });
    const verifier = createDpopVerifier({
      verifier: createVerifier({
        keys: localJwks(issuerKey.publicJwk),
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    });
    const url = 'https://api.example.com/me';
    const proof = await dpop.proof({ method: 'GET', url, accessToken: token });
    const result = await verifier.verify(
      new Request(url, { headers: { authorization: `DPoP ${token}`, dpop: proof } }),
    );
    expect(result.jkt).toBe(dpop.jkt);
  });
});
