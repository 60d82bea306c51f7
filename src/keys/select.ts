import type { PublicJwk } from '../lib/jwk.js';
import type { TokenHeader } from '../token/header.js';
import { algorithmFor } from '../crypto/algorithms.js';
import type { ScreenedKeys } from './guard.js';

export { SUPPORTED_ALGORITHMS } from '../crypto/algorithms.js';

/** Whether `jwk` can verify a signature made with `alg`. */
export function keyFitsAlg(jwk: PublicJwk, alg: string): boolean {
  const need = algorithmFor(alg, jwk);
  if (need === undefined || jwk.kty !== need.kty) return false;
  if (need.crv !== undefined && jwk.crv !== need.crv) return false;
  // A key marked "EdDSA" (RFC 8037) serves the fully specified name of its curve too.
  return jwk.alg === undefined || jwk.alg === alg || (jwk.alg === 'EdDSA' && alg === need.crv);
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
