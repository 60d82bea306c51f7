import { VerificationError } from '../lib/errors.js';
import type { PublicJwk } from '../lib/jwk.js';
import type { StoredKeySet } from '../stores/types.js';
import type { TokenHeader } from '../token/header.js';
import { refusalOf } from '../keys/guard.js';
import type { KeyCache } from './key-cache.js';
import { prepareKey, type PreparedKey } from '../crypto/prepared-key.js';
import type { SignatureProvider } from '../crypto/provider.js';
import { candidateKeys } from '../keys/select.js';

// A token without `kid` may match several keys; each costs a signature check, so cap them.
const MAX_CANDIDATE_KEYS = 8;

/** Sees the token's `alg` and the key set (with its discovery metadata); throws to refuse. */
export type AlgorithmCheck = (alg: string, set: StoredKeySet) => void;

/**
 * Resolves the keys that may have signed a token, before any signature check: from the fresh
 * set in memory without a promise when it can (the hot path), else from the key cache, with
 * one refetch for an unknown `kid` (inside the cooldown rules). Never reads `jku`, `x5u`,
 * `jwk` or `x5c`: a token cannot name its own key.
 */
export function keyResolver(
  keys: KeyCache,
  sourceId: string,
  provider: SignatureProvider,
  checkAlgorithm: AlgorithmCheck | undefined,
) {
  const candidatesIn = (set: StoredKeySet, header: TokenHeader) => {
    checkAlgorithm?.(header.alg, set);
    return candidateKeys(set, header);
  };

  const resolveSlowly = async (header: TokenHeader): Promise<PreparedKey[]> => {
    let set = await keys.current();
    let found = candidatesIn(set, header);
    if (found.length === 0) {
      const refetched = await keys.refetchForUnknownKid();
      if (refetched !== undefined) found = candidatesIn((set = refetched), header);
    }
    if (found.length === 0) throw notFound(set, header, sourceId);
    return prepareAll(provider, found, header.alg);
  };

  return {
    /** The prepared candidate keys, best first; an array at once when nothing needs waiting for. */
    keysFor(header: TokenHeader): PreparedKey[] | Promise<PreparedKey[]> {
      const fresh = keys.fresh();
      const found = fresh === undefined ? [] : candidatesIn(fresh, header);
      return found.length === 0 ? resolveSlowly(header) : prepareAll(provider, found, header.alg);
    },
  };
}

function prepareAll(
  provider: SignatureProvider,
  found: PublicJwk[],
  alg: string,
): PreparedKey[] | Promise<PreparedKey[]> {
  const prepared = found.slice(0, MAX_CANDIDATE_KEYS).map((jwk) => prepareKey(provider, jwk, alg));
  return prepared.some((key) => key instanceof Promise)
    ? Promise.all(prepared)
    : (prepared as PreparedKey[]);
}

export type KeyResolver = ReturnType<typeof keyResolver>;

function notFound(set: StoredKeySet, header: TokenHeader, sourceId: string): VerificationError {
  const kid = header.kid === undefined ? 'no kid' : `kid ${JSON.stringify(shorten(header.kid))}`;
  const refusedBecause = refusalOf(set, header.kid);
  if (refusedBecause !== undefined) {
    return new VerificationError(
      'ERR_KEY_INVALID',
      `The key with ${kid} is refused: ${refusedBecause}.`,
    );
  }
  return new VerificationError(
    'ERR_KEY_NOT_FOUND',
    `No key from ${sourceId} matches the token (${kid}, alg ${header.alg}), even after a refetch. ` +
      'The token may come from another issuer or a key that was rotated out.',
  );
}

// A kid comes from the token: quote enough of it to recognise, not a page of it.
function shorten(kid: string): string {
  return kid.length > 64 ? `${kid.slice(0, 64)}…` : kid;
}
