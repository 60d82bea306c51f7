import { decodeStrict } from '../lib/base64url.js';
import type { PublicJwk } from '../lib/jwk.js';
import { toBigInt } from './bytes.js';
import { unusableKey } from './errors.js';

/** An RSA public key as numbers, with the sizes every check needs worked out once. */
export interface RsaPublicKey {
  readonly n: bigint;
  readonly e: bigint;
  /** The modulus length in bytes: every signature is exactly this long (RFC 8017 §8.2.2). */
  readonly length: number;
  readonly bits: number;
}

/**
 * `n` and `e` of an RSA JWK (RFC 7518 §6.3.1) as BigInts. The key guard has judged their sizes
 * already; what is refused here is what no check could use (RFC 8017 §3.1: an odd modulus,
 * 3 <= e < n), so a key that slipped past the guard still verifies nothing.
 */
export function rsaPublicKey(jwk: PublicJwk): RsaPublicKey {
  const nBytes = decodeStrict(jwk.n);
  const eBytes = decodeStrict(jwk.e);
  if (jwk.kty !== 'RSA' || nBytes === undefined || eBytes === undefined)
    throw unusableKey('an RSA key needs base64url members "n" and "e"');
  const n = toBigInt(nBytes);
  const e = toBigInt(eBytes);
  if (n % 2n === 0n || e < 3n || e % 2n === 0n || e >= n)
    throw unusableKey('the RSA key is not a usable public key (n, e)');
  const bits = n.toString(2).length;
  return { n, e, length: Math.ceil(bits / 8), bits };
}

/**
 * RSAVP1 (RFC 8017 §5.2.2): the signature as an integer s, raised to e modulo n. Undefined for a
 * signature of the wrong length or s >= n, which RFC 8017 §8.2.2 and §8.1.2 call invalid.
 */
export function rsaVerifyPrimitive(key: RsaPublicKey, signature: Uint8Array): bigint | undefined {
  if (signature.length !== key.length) return undefined;
  const s = toBigInt(signature);
  return s < key.n ? modPow(s, key.e, key.n) : undefined;
}

/**
 * base^exponent mod modulus, left-to-right square-and-multiply. For e = 65537 (0x10001) that is
 * 16 squarings and one multiplication; BigInt's own arithmetic does the rest. Not constant-time,
 * and it need not be: every input is public.
 */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  const bits = exponent.toString(2);
  let result = base;
  for (let i = 1; i < bits.length; i++) {
    result = (result * result) % modulus;
    if (bits[i] === '1') result = (result * base) % modulus;
  }
  return result;
}
