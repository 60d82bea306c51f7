import type { PublicJwk } from '../jwk.js';
import type { TokenHeader } from '../token/header.js';
import type { ScreenedKeys } from './guard.js';

/** Algorithms tokenward can verify with WebCrypto, with the key each needs. */
const KEY_FOR_ALG = new Map<string, { kty: PublicJwk['kty']; crv?: string }>(
  Object.entries({
    RS256: { kty: 'RSA' },
    RS384: { kty: 'RSA' },
    RS512: { kty: 'RSA' },
    PS256: { kty: 'RSA' },
    PS384: { kty: 'RSA' },
    PS512: { kty: 'RSA' },
    ES256: { kty: 'EC', crv: 'P-256' },
    ES384: { kty: 'EC', crv: 'P-384' },
    ES512: { kty: 'EC', crv: 'P-521' },
    EdDSA: { kty: 'OKP', crv: 'Ed25519' },
    Ed25519: { kty: 'OKP', crv: 'Ed25519' },
  }),
);

/** The asymmetric JWS algorithms tokenward supports. */
export const SUPPORTED_ALGORITHMS: readonly string[] = [...KEY_FOR_ALG.keys()];

/** Whether `jwk` can verify a signature made with `alg`. */
export function keyFitsAlg(jwk: PublicJwk, alg: string): boolean {
  const need = KEY_FOR_ALG.get(alg);
  if (need === undefined || jwk.kty !== need.kty) return false;
  if (need.crv !== undefined && jwk.crv !== need.crv) return false;
  return jwk.alg === undefined || jwk.alg === alg || (alg === 'Ed25519' && jwk.alg === 'EdDSA');
}

/**
 * The keys that may have signed a token with this header, best first. A token `kid` picks the
 * keys with that `kid`; keys without a `kid` (every `pem()` key) match any token. The `jku`,
 * `x5u`, `jwk` and `x5c` header parameters are never read: a token cannot name its own key.
 */
export function candidateKeys(set: ScreenedKeys, header: TokenHeader): PublicJwk[] {
  const fitting = set.keys.filter((jwk) => keyFitsAlg(jwk, header.alg));
  if (header.kid === undefined) return fitting;
  const named = fitting.filter((jwk) => jwk.kid === header.kid);
  return named.length > 0 ? named : fitting.filter((jwk) => jwk.kid === undefined);
}
