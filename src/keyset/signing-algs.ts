import { VerificationError } from '../lib/errors.js';
import type { SourceMeta } from '../stores/types.js';

/**
 * OpenID Connect Core §3.1.3.7 item 6 (and Back-Channel Logout 1.0 §2.6 item 2 for logout
 * tokens): with discovery, the token's `alg` must be one the provider lists in
 * `id_token_signing_alg_values_supported`, on top of the verifier's own allow-list. A rule of
 * the set's own metadata, applied by the key set before any key is chosen.
 */
/** A profile's rule on the token's `alg` given the set's metadata; throws to refuse. */
export type AlgorithmRule = (alg: string, meta: SourceMeta | undefined) => void;

export function checkProviderSigningAlg(alg: string, meta: SourceMeta | undefined): void {
  const supported = meta?.idTokenSigningAlgs;
  if (supported !== undefined && !supported.includes(alg)) {
    throw new VerificationError(
      'ERR_ALG_NOT_ALLOWED',
      `The provider does not list "${alg}" in id_token_signing_alg_values_supported (${supported.join(', ') || 'none'}).`,
    );
  }
}
