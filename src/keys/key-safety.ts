import { ecKeyProblem } from './ec-safety.js';
import { rsaKeyProblem } from './rsa-safety.js';
import { decodeBase64urlStrict } from './strict-base64url.js';

/** The members of a public JWK that {@link keySafetyProblem} reads. */
export interface SafetyCheckedJwk {
  kty: string;
  crv?: string;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
}

/**
 * Why a public signature key is unsafe to verify with, or `undefined` when it is fine: the
 * arithmetic checks a JWK's shape cannot show. Pure, synchronous and total: it never throws,
 * whatever the members hold, and costs microseconds (an RSA key: about 6 µs).
 *
 * - `RSA`: see {@link rsaKeyProblem} (exponent, modulus, ROCA CVE-2017-15361).
 * - `EC`: see {@link ecKeyProblem} (curve, coordinate size, point on the curve).
 * - `OKP`: `Ed25519` with a 32-octet `x` (RFC 8037 §2; RFC 8032 §5.1.5); other curves are
 *   refused, X25519 and X448 being key-agreement keys (RFC 8037 §3.2).
 * - any other `kty`: refused.
 *
 * The reason is a phrase that completes "The key … was refused: " and never contains key
 * material beyond a truncated `crv`.
 *
 * @example
 * const reason = keySafetyProblem(jwk);
 * if (reason !== undefined) refused[jwk.kid] = reason; // e.g. 'its public exponent is 1'
 */
export function keySafetyProblem(jwk: SafetyCheckedJwk): string | undefined {
  switch (jwk.kty) {
    case 'RSA':
      return rsaKeyProblem(jwk.n, jwk.e);
    case 'EC':
      return ecKeyProblem(jwk.crv, jwk.x, jwk.y);
    case 'OKP':
      return okpKeyProblem(jwk.crv, jwk.x);
    default:
      return 'its key type is not RSA, EC or OKP';
  }
}

const ED25519_KEY_BYTES = 32;

function okpKeyProblem(crv: unknown, x: unknown): string | undefined {
  if (crv !== 'Ed25519') return 'its OKP curve is not Ed25519';
  const bytes = typeof x === 'string' ? decodeBase64urlStrict(x) : undefined;
  if (bytes === undefined) return 'its "x" is not canonical base64url';
  if (bytes.length !== ED25519_KEY_BYTES)
    return `its "x" is ${bytes.length} octets; an Ed25519 key is ${ED25519_KEY_BYTES}`;
  return undefined;
}
