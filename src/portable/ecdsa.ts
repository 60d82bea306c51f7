// Loaded on first use (see ./provider.ts): an app that verifies RSA only never fetches the curves.
import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';
import { decodeStrict } from '../lib/base64url.js';
import type { PublicJwk } from '../lib/jwk.js';
import { concatBytes } from './bytes.js';
import { unusableKey } from './errors.js';

// Each curve carries its JWS hash (RFC 7518 §3.4): P-256/SHA-256, P-384/SHA-384, P-521/SHA-512.
const CURVES = new Map<string, { curve: ECDSA; size: number }>([
  ['P-256', { curve: p256, size: 32 }],
  ['P-384', { curve: p384, size: 48 }],
  ['P-521', { curve: p521, size: 66 }],
]);

// As WebCrypto checks: high-S signatures are valid ECDSA (no low-S rule), JOSE r || s only.
const VERIFY = { lowS: false, prehash: true, format: 'compact' } as const;

/**
 * The check for one EC public key on `crv`: the point (x, y) must be on its curve, or the key is
 * refused here, as WebCrypto refuses it at import.
 */
export function ecdsaCheck(
  jwk: PublicJwk,
  crv: string,
): (data: Uint8Array, signature: Uint8Array) => boolean {
  const known = CURVES.get(crv)!;
  const x = decodeStrict(jwk.x);
  const y = decodeStrict(jwk.y);
  if (jwk.kty !== 'EC' || jwk.crv !== crv || x?.length !== known.size || y?.length !== known.size)
    throw unusableKey(`an ${crv} key needs "crv": "${crv}" and x, y of ${known.size} bytes`);
  const point = concatBytes(Uint8Array.of(4), x, y);
  try {
    known.curve.Point.fromBytes(point); // throws for a point that is not on the curve
  } catch {
    throw unusableKey(`the point (x, y) is not on ${crv}`);
  }
  return (data, signature) => {
    if (signature.length !== known.size * 2) return false;
    try {
      return known.curve.verify(signature, data, point, VERIFY);
    } catch {
      return false; // noble throws on r or s out of range: an invalid signature
    }
  };
}
