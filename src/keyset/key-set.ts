import { VerificationError } from '../lib/errors.js';
import type { PublicJwk } from '../lib/jwk.js';
import type { StoredKeySet } from '../stores/types.js';
import type { TokenHeader } from '../token/header.js';
import { refusalOf } from '../keys/guard.js';
import type { Observation } from '../keys/policy.js';
import { createKeyCache, type KeyCacheOptions } from './key-cache.js';
import type { AlgorithmRule } from './signing-algs.js';
import { prepareKey, type PreparedKey } from '../crypto/prepared-key.js';
import type { SignatureProvider } from '../crypto/provider.js';
import { candidateKeys } from '../keys/select.js';

// A token without `kid` may match several keys; each costs a signature check, so cap them.
const MAX_CANDIDATE_KEYS = 8;

/** What the key set answers for a token's header: values, for the verifier to use. */
export interface Found {
  /** The prepared candidate keys, best first. */
  readonly keys: PreparedKey[];
  /** The set they came from: its identity is what a remembered result hangs on. */
  readonly set: StoredKeySet;
  /** The server time the latest key answer carried, for clock-skew estimates. */
  readonly observed: Observation | undefined;
}

/** The keys a verifier checks signatures with, for one source. */
export interface KeySet {
  /** The candidates for a header; a value at once when nothing needs waiting for. */
  keysFor(header: TokenHeader): Found | Promise<Found>;
  /** Fetches (or reads) the set now; the server time its answer carried. */
  hydrate(): Promise<Observation | undefined>;
  /** The set that may vouch for a remembered token now: fresh, or stale during an outage. */
  servable(): StoredKeySet | undefined;
  clear(): Promise<void>;
}

export interface KeySetOptions extends KeyCacheOptions {
  /**
   * The profile's algorithm rule, read against the set's metadata before any key is chosen
   * (ID and logout tokens: {@link checkProviderSigningAlg}); throws to refuse.
   */
  algorithmRule: AlgorithmRule | undefined;
}

/**
 * Resolves the keys that may have signed a token, before any signature check: from the fresh
 * set in memory without a promise when it can (the hot path), else from the key cache, with
 * one refetch for an unknown `kid` (inside the cooldown rules). Never reads `jku`, `x5u`,
 * `jwk` or `x5c`: a token cannot name its own key.
 */
export function createKeySet(options: KeySetOptions): KeySet {
  const cache = createKeyCache(options);
  const { provider, source } = options;
  const candidatesIn = (set: StoredKeySet, header: TokenHeader) => {
    options.algorithmRule?.(header.alg, set.meta);
    return candidateKeys(set, header);
  };
  const found = (set: StoredKeySet, jwks: PublicJwk[], alg: string): Found | Promise<Found> => {
    const keys = prepareAll(provider, jwks, alg);
    const observed = cache.observed();
    return Array.isArray(keys)
      ? { keys, set, observed }
      : keys.then((k) => ({ keys: k, set, observed }));
  };
  const resolveSlowly = async (header: TokenHeader): Promise<Found> => {
    let set = await cache.current();
    let jwks = candidatesIn(set, header);
    if (jwks.length === 0) {
      const refetched = await cache.refetchForUnknownKid();
      if (refetched !== undefined) jwks = candidatesIn((set = refetched), header);
    }
    if (jwks.length === 0) throw notFound(set, header, source.id);
    return found(set, jwks, header.alg);
  };
  return {
    keysFor(header) {
      const fresh = cache.fresh();
      const jwks = fresh === undefined ? [] : candidatesIn(fresh, header);
      return jwks.length === 0 ? resolveSlowly(header) : found(fresh!, jwks, header.alg);
    },
    hydrate: () => cache.current().then(() => cache.observed()),
    servable: cache.servable,
    clear: cache.clear,
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
