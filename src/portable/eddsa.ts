// Loaded on first use (see ./provider.ts): an app that verifies RSA only never fetches the curve.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { decodeStrict } from '../lib/base64url.js';
import type { PublicJwk } from '../lib/jwk.js';
import { concatBytes, equalBytes, toBigInt } from './bytes.js';
import { unusableKey } from './errors.js';

const { Point } = ed25519;
const L = Point.Fn.ORDER;
const littleEndian = (bytes: Uint8Array) => toBigInt(bytes.slice().reverse());

/**
 * The check for one Ed25519 public key (RFC 8037 §2). x must be the canonical encoding of a
 * point (RFC 8032 §5.1.3), and not one of the small-order points: with one of those, the
 * all-zero signature (R = identity, S = 0) verifies for every message (WebCrypto, which decodes
 * nothing at import, would take it).
 */
export function ed25519Check(jwk: PublicJwk): (data: Uint8Array, signature: Uint8Array) => boolean {
  const x = decodeStrict(jwk.x);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || x?.length !== 32)
    throw unusableKey('an Ed25519 key needs "crv": "Ed25519" and an x of 32 bytes');
  let a: InstanceType<typeof Point>;
  try {
    a = Point.fromBytes(x, false);
  } catch {
    throw unusableKey('x is not the canonical encoding of an Ed25519 point');
  }
  if (a.isSmallOrder()) throw unusableKey('x is a small-order Ed25519 point: it proves nothing');
  return (data, signature) => signature.length === 64 && verify(a, x, data, signature);
}

/**
 * RFC 8032 §5.1.7 as OpenSSL and BoringSSL (every WebCrypto) do it, so each signature gets their
 * answer: S < L, then [S]B - [k]A re-encoded must equal R byte for byte (the cofactorless check;
 * @noble/curves' own verify is cofactored, which accepts some signatures these refuse).
 */
function verify(
  a: InstanceType<typeof Point>,
  x: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const r = signature.subarray(0, 32);
  const s = littleEndian(signature.subarray(32));
  if (s >= L) return false;
  const k = littleEndian(sha512(concatBytes(r, x, data))) % L;
  const check = Point.BASE.multiplyUnsafe(s).subtract(a.multiplyUnsafe(k));
  return equalBytes(check.toBytes(), r);
}
