import type { DigestName, SignatureProvider } from '../crypto/provider.js';
import type { PublicJwk } from '../lib/jwk.js';
import { notSupported } from './errors.js';
import { hashOf, type Hash } from './hash.js';
import { verifyPkcs1 } from './pkcs1.js';
import { verifyPss } from './pss.js';
import { rsaPublicKey, type RsaPublicKey } from './rsa-key.js';

type Check = (data: Uint8Array, signature: Uint8Array) => boolean;
type RsaScheme = (
  key: RsaPublicKey,
  hash: Hash,
  data: Uint8Array,
  signature: Uint8Array,
) => boolean;

/** A key `portableCrypto` imported: the algorithm it was imported for, and its check. */
export interface PortableKey {
  readonly alg: string;
  readonly check: Check;
}

// RFC 7518 §3.3-3.5 and RFC 8037 §3.1. Maps: `alg` comes from a token.
const RSA = new Map<string, [RsaScheme, DigestName]>([
  ['RS256', [verifyPkcs1, 'SHA-256']],
  ['RS384', [verifyPkcs1, 'SHA-384']],
  ['RS512', [verifyPkcs1, 'SHA-512']],
  ['PS256', [verifyPss, 'SHA-256']],
  ['PS384', [verifyPss, 'SHA-384']],
  ['PS512', [verifyPss, 'SHA-512']],
]);
const EC = new Map([
  ['ES256', 'P-256'],
  ['ES384', 'P-384'],
  ['ES512', 'P-521'],
]);
const EDDSA = new Set(['EdDSA', 'Ed25519']);

function importKey(jwk: PublicJwk, alg: string): PortableKey | Promise<PortableKey> {
  const rsa = RSA.get(alg);
  if (rsa !== undefined) {
    const [scheme, hashName] = rsa;
    const key = rsaPublicKey(jwk);
    const hash = hashOf(hashName);
    return { alg, check: (data, signature) => scheme(key, hash, data, signature) };
  }
  // The curves are loaded on first use, so an app that verifies RSA only carries none of them.
  const crv = EC.get(alg);
  if (crv !== undefined)
    return import('./ecdsa.js').then(({ ecdsaCheck }) => ({ alg, check: ecdsaCheck(jwk, crv) }));
  if (EDDSA.has(alg)) {
    if (jwk.kty === 'OKP' && jwk.crv !== 'Ed25519') throw notSupported(`EdDSA with ${jwk.crv}`);
    return import('./eddsa.js').then(({ ed25519Check }) => ({ alg, check: ed25519Check(jwk) }));
  }
  throw notSupported(alg);
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
  digest: (hash, data) => hashOf(hash).digest(data),
};
