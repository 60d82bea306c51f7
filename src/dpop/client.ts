import { base64url, calculateJwkThumbprint } from 'jose';
import { accessTokenHash, randomId } from './hash.js';
import { htuOf } from './htu.js';
import { indexedDbDpopStore, isKeyPair, memoryDpopStore, type DpopKeyStore } from './key-store.js';
import { createNonceBook } from './nonce-book.js';

/** The proof algorithms `createDpop` can make keys for. */
export type DpopAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'Ed25519' | 'EdDSA';

/** Options of {@link createDpop}. */
export interface DpopOptions {
  /** Where the key pair is kept. @default IndexedDB, or memory where IndexedDB fails */
  store?: DpopKeyStore;
  /** @default 'ES256' */
  alg?: DpopAlgorithm;
}

/** What one proof is for (RFC 9449 §4.2). */
export interface ProofOptions {
  /** The HTTP method, as sent (`GET`, `POST`). */
  method: string;
  /** The request URL; its query and fragment are left out of `htu`. */
  url: string;
  /** The access token sent with the proof: its hash goes in `ath`. */
  accessToken?: string;
  /** The server's nonce. @default the latest `DPoP-Nonce` learned from the URL's origin */
  nonce?: string;
  /** The proof's `iat`, in seconds since the epoch. @default now (local clock) */
  iat?: number;
}

/** A DPoP key pair and the proofs it signs. */
export interface Dpop {
  /** RFC 7638 thumbprint of the public key, base64url: the `cnf.jkt` of tokens bound to it. */
  readonly jkt: string;
  /** The algorithm every proof is signed with. */
  readonly alg: DpopAlgorithm;
  /** The public key, as it goes in every proof's header. */
  readonly publicJwk: Readonly<JsonWebKey>;
  /** A fresh proof (new `jti`) for one request. */
  proof(options: ProofOptions): Promise<string>;
  /** Remembers the `DPoP-Nonce` a response from `url`'s origin carries; true when it is new. */
  learnNonce(url: string, headers: Headers): boolean;
  /** The latest nonce learned from `url`'s origin. */
  nonceFor(url: string): string | undefined;
}

const PARAMS: Record<
  DpopAlgorithm,
  { generate: EcKeyGenParams | Algorithm; sign: EcdsaParams | Algorithm }
> = {
  ES256: {
    generate: { name: 'ECDSA', namedCurve: 'P-256' },
    sign: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  },
  ES384: {
    generate: { name: 'ECDSA', namedCurve: 'P-384' },
    sign: { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams,
  },
  ES512: {
    generate: { name: 'ECDSA', namedCurve: 'P-521' },
    sign: { name: 'ECDSA', hash: 'SHA-512' } as EcdsaParams,
  },
  Ed25519: { generate: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  EdDSA: { generate: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
};
const PARAMS_BY_ALG = new Map(Object.entries(PARAMS));
const encoder = new TextEncoder();
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Makes (or loads) this browser's DPoP key pair (RFC 9449): the private key is non-extractable
 * and kept in IndexedDB so it survives reloads; every request then carries a fresh proof signed
 * with it, and a token bound to it (`cnf.jkt`) is useless to whoever copies it without the key.
 *
 * Security: page script (XSS) can ask for proofs while it runs, but cannot export the key, so
 * a stolen token stops working once the page is gone. Pass `dpop` to `createFetch` or
 * `withVerifiedToken` to attach proofs to every request to the allowed origins.
 *
 * @example
 * const dpop = await createDpop();
 * const proof = await dpop.proof({ method: 'POST', url: tokenEndpoint });
 * // send `DPoP: ${proof}` with the token request; bound tokens then carry cnf.jkt === dpop.jkt
 */
export async function createDpop(options: DpopOptions = {}): Promise<Dpop> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createDpop(options) takes an options object');
  const alg = options.alg ?? 'ES256';
  const params = PARAMS_BY_ALG.get(alg);
  if (params === undefined)
    throw new TypeError(`createDpop: "alg" must be one of ${Object.keys(PARAMS).join(', ')}`);
  const pair = await keyPair(options.store, alg, params.generate);
  const exported = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicJwk = Object.freeze(publicMembers(exported));
  const jkt = await calculateJwkThumbprint(publicJwk as never, 'sha256');
  const encodedHeader = encodeJson({ typ: 'dpop+jwt', alg, jwk: publicJwk });
  const nonces = createNonceBook();

  return {
    jkt,
    alg,
    publicJwk,
    async proof({ method, url, accessToken, nonce, iat }) {
      if (typeof method !== 'string' || !METHOD.test(method))
        throw new TypeError('dpop.proof: "method" must be an HTTP method such as GET');
      const htu = typeof url === 'string' ? htuOf(url) : undefined;
      if (htu === undefined)
        throw new TypeError('dpop.proof: "url" must be an absolute http(s) URL');
      const claims: Record<string, unknown> = {
        jti: randomId(),
        htm: method,
        htu,
        iat: iat ?? Math.floor(Date.now() / 1000),
      };
      if (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat))
        throw new TypeError('dpop.proof: "iat" must be a number of seconds since the epoch');
      claims.iat = Math.floor(claims.iat as number);
      if (accessToken !== undefined) claims.ath = await accessTokenHash(accessToken);
      const serverNonce = nonce ?? nonces.get(url);
      if (serverNonce !== undefined) claims.nonce = serverNonce;
      const signingInput = `${encodedHeader}.${encodeJson(claims)}`;
      const signature = await crypto.subtle.sign(
        params.sign,
        pair.privateKey,
        encoder.encode(signingInput),
      );
      return `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
    },
    learnNonce: (url, headers) => nonces.learn(url, headers.get('dpop-nonce')),
    nonceFor: (url) => nonces.get(url),
  };
}

async function keyPair(
  given: DpopKeyStore | undefined,
  alg: DpopAlgorithm,
  generate: EcKeyGenParams | Algorithm,
): Promise<CryptoKeyPair> {
  if (given !== undefined && (typeof given?.get !== 'function' || typeof given.add !== 'function'))
    throw new TypeError('createDpop: "store" must have get() and add(pair)');
  const store =
    given ?? indexedDbDpopStore(alg === 'ES256' ? 'tokenward-dpop' : `tokenward-dpop-${alg}`);
  const fits = (pair: CryptoKeyPair | undefined): pair is CryptoKeyPair =>
    isKeyPair(pair) &&
    pair.privateKey.algorithm.name === generate.name &&
    (pair.privateKey.algorithm as EcKeyAlgorithm).namedCurve ===
      (generate as EcKeyGenParams).namedCurve;
  try {
    const stored = await store.get();
    if (fits(stored)) return stored;
    const made = (await crypto.subtle.generateKey(generate, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const kept = await store.add(made);
    if (!fits(kept)) throw new Error(`the stored key pair is not a ${alg} key pair`);
    return kept;
  } catch (error) {
    // Only the default store falls back: IndexedDB missing or refusing CryptoKeys (Safari private mode).
    if (given !== undefined) throw error;
    const memory = memoryDpopStore();
    return memory.add(
      (await crypto.subtle.generateKey(generate, false, ['sign', 'verify'])) as CryptoKeyPair,
    );
  }
}

function publicMembers(jwk: JsonWebKey): JsonWebKey {
  return jwk.kty === 'EC'
    ? { kty: jwk.kty, crv: jwk.crv!, x: jwk.x!, y: jwk.y! }
    : { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x! };
}

function encodeJson(value: unknown): string {
  return base64url.encode(encoder.encode(JSON.stringify(value)));
}
