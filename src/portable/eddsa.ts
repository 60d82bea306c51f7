// Loaded on first use (see ./provider.ts): an app that verifies RSA only never fetches the curve.
import { ed25519 } from '@noble/curves/ed25519.js';
import { decodeStrict } from '../lib/base64url.js';
import type { PublicJwk } from '../lib/jwk.js';
import { unusableKey } from './errors.js';

// RFC 8032 §5.1.7 decoding (canonical encodings only), not ZIP-215's permissive one: the rules
// of OpenSSL and BoringSSL behind WebCrypto.
const VERIFY = { zip215: false } as const;

/** The check for one Ed25519 public key (RFC 8037 §2): x must decode to a curve point. */
export function ed25519Check(jwk: PublicJwk): (data: Uint8Array, signature: Uint8Array) => boolean {
  const x = decodeStrict(jwk.x);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || x?.length !== 32)
    throw unusableKey('an Ed25519 key needs "crv": "Ed25519" and an x of 32 bytes');
  try {
    ed25519.Point.fromBytes(x, false);
  } catch {
    throw unusableKey('x is not an Ed25519 point');
  }
  return (data, signature) => {
    if (signature.length !== 64) return false;
    try {
      return ed25519.verify(signature, data, x, VERIFY);
    } catch {
      return false;
    }
  };
}
