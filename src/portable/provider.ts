import { ALGORITHMS } from '../crypto/algorithms.js';
import type { SignatureProvider } from '../crypto/provider.js';
import type { PublicJwk } from '../lib/jwk.js';
import { notSupported } from './errors.js';
import { loadHash, type Hash } from './hash.js';
import { verifyPkcs1 } from './pkcs1.js';
import { verifyPss } from './pss.js';
import { rsaPublicKey } from './rsa-key.js';

/** A key `portableCrypto` imported: the algorithm it was imported for, and its check. */
export interface PortableKey {
  /** The JWS algorithm the key was imported for. */
  readonly alg: string;
  /** Whether `signature` over `data` verifies (false for a wrong length). */
  readonly check: (data: Uint8Array, signature: Uint8Array) => boolean;
}

// The one table of JWS algorithms (RFC 7518 §3.3-3.5, RFC 8037 §3.1) says which check and hash.
function importKey(jwk: PublicJwk, alg: string): PortableKey | Promise<PortableKey> {
  const entry = ALGORITHMS.get(alg);
  if (entry === undefined) throw notSupported(alg);
  if (entry.kty === 'RSA') {
    const key = rsaPublicKey(jwk);
    const scheme = (entry.params as Algorithm).name === 'RSA-PSS' ? verifyPss : verifyPkcs1;
    const withHash = (hash: Hash): PortableKey => ({
      alg,
      check: (data, signature) => scheme(key, hash, data, signature),
    });
    const hash = loadHash(entry.hash!); // SHA-384/512 are loaded on first use
    return hash instanceof Promise ? hash.then(withHash) : withHash(hash);
  }
  // The curves are loaded on first use, so an app that verifies RSA only carries none of them.
  const crv = entry.crv!;
  if (entry.kty === 'EC')
    return import('./ecdsa.js').then(({ ecdsaCheck }) => ({ alg, check: ecdsaCheck(jwk, crv) }));
  if (entry.kty !== 'OKP') throw notSupported(alg); // an algorithm added to the table later
  if (jwk.kty === 'OKP' && jwk.crv !== crv) throw notSupported(`${alg} with ${jwk.crv}`);
  return import('./eddsa.js').then(({ ed25519Check }) => ({ alg, check: ed25519Check(jwk) }));
}

/**
 * Signature checks without WebCrypto, for where the platform has none: pages served over
 * plain `http://` (not a secure context), React Native/Hermes, old WebViews. RS256/384/512 and
 * PS256/384/512 run on BigInt; ES256/384/512 and EdDSA (Ed25519) on `@noble/curves`, loaded
 * the first time such a key is imported; SHA-2 from `@noble/hashes`. Every token gets the
 * answer WebCrypto gives it.
 *
 * Security: this replaces the platform's crypto, not TLS. A page served without TLS can be
 * rewritten wholesale by whoever sits on the path; verifying there protects an app shell that
 * arrived over a trusted channel (installed app, kiosk, extension) and keys shipped with it.
 *
 * @example
 * import { createVerifier, pem } from 'tokenward';
 * import { portableCrypto } from 'tokenward/portable';
 *
 * const verifier = createVerifier({
 *   keys: pem(ISSUER_PUBLIC_KEY_PEM), // shipped with the app: no key request a MITM can answer
 *   issuer: 'http://panel.local',
 *   audience: 'panel',
 *   crypto: portableCrypto,
 * });
 */
export const portableCrypto: SignatureProvider<PortableKey> = {
  name: 'portable',
  importKey,
  verify(alg, key, data, signature) {
    if (key.alg !== alg)
      throw new TypeError(`portableCrypto: this key was imported for ${key.alg}`);
    return key.check(data, signature);
  },
  digest(name, data) {
    const hash = loadHash(name);
    return hash instanceof Promise ? hash.then(({ digest }) => digest(data)) : hash.digest(data);
  },
};
