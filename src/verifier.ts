import { jwtVerify, type JWTVerifyOptions, type JWTVerifyResult } from 'jose';
import { assertClaimTypes, assertTimes, toJoseOptions } from './claims.js';
import { VerificationError } from './errors.js';
import { candidateKeys, importPublicKey } from './keys/select.js';
import { createKeyCache, type KeyCache } from './keys/key-cache.js';
import type { PublicJwk } from './keys/guard.js';
import { toVerificationError } from './map-error.js';
import { createMemo } from './memo.js';
import { resolveOptions, type VerifierOptions } from './options.js';
import { assertCompactShape, assertHeader, type TokenHeader, type TokenPayload } from './token.js';
import { issuerClock } from './clock.js';
import type { EmitEvent } from './events.js';
import type { StoredKeySet } from './stores/types.js';

/** A token that passed every check. Frozen when the memo keeps it, since repeats then share it. */
export interface VerifiedToken {
  readonly payload: Readonly<TokenPayload>;
  readonly header: Readonly<TokenHeader>;
  readonly token: string;
}

/** What `createVerifier` returns. */
export interface Verifier {
  /** Resolves with the verified token, or rejects with a `VerificationError`. */
  verify(token: string): Promise<VerifiedToken>;
  /** Fetch the keys now (at page load, say) so the first `verify` need not wait. */
  hydrate(): Promise<void>;
  /** Forget cached keys (in its store too) and remembered tokens. */
  clear(): Promise<void>;
}

// A token without `kid` may match several keys; each costs a signature check, so cap them.
const MAX_CANDIDATE_KEYS = 8;

/**
 * Creates a verifier: fetches and caches the issuer's public keys, verifies the signature
 * with WebCrypto through jose, checks the claims, and remembers tokens it has verified.
 *
 * Security: `issuer` and `audience` must be given (or `null` to opt out, explicitly);
 * `exp` is required by default; `none` and HS* are refused.
 *
 * @example
 * const verifier = createVerifier({
 *   keys: jwks('https://idp.example.com/.well-known/jwks.json'),
 *   issuer: 'https://idp.example.com',
 *   audience: 'my-spa',
 * });
 * const { payload } = await verifier.verify(token);
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const { verify, hydrate, clear } = createCoreVerifier(options);
  return { verify, hydrate, clear };
}

/** @internal What verifiers built on the core one (ID tokens) may add. */
export interface VerifierExtension {
  /** Sees the token's `alg` and the key set (with its discovery metadata) before key selection; throws to refuse. */
  checkAlgorithm?: (alg: string, set: StoredKeySet) => void;
}

/** @internal The core verifier with what extensions need: issuer time, leeway, and the event sink. */
export interface CoreVerifier extends Verifier {
  issuerNow(): number;
  readonly leeway: number;
  refuse(error: unknown): VerificationError;
  readonly emit: EmitEvent;
}

/** @internal */
export function createCoreVerifier(
  options: VerifierOptions,
  extension: VerifierExtension = {},
): CoreVerifier {
  const {
    keys: source,
    policy,
    clock,
    clockSkew,
    cache: store,
    memoMax,
    emit,
  } = resolveOptions(options);
  const issuer = issuerClock(clock, clockSkew, emit);
  const memo = memoMax > 0 ? createMemo<VerifiedToken>(memoMax) : undefined;
  let keySetGeneration = 0;
  const keys: KeyCache = createKeyCache({
    source,
    store,
    clock,
    emit,
    onDate: issuer.observe,
    onChange: () => {
      keySetGeneration++;
      memo?.clear();
    },
  });
  const joseOptions = toJoseOptions(policy);

  const refuse = (error: unknown): VerificationError => {
    const refusal = toVerificationError(error);
    emit(
      refusal.claim === undefined
        ? { type: 'token:rejected', code: refusal.code }
        : { type: 'token:rejected', code: refusal.code, claim: refusal.claim },
    );
    return refusal;
  };

  // Keys in `set` for this header, after any extension's say on the algorithm.
  const candidatesIn = (set: StoredKeySet, header: TokenHeader): PublicJwk[] => {
    extension.checkAlgorithm?.(header.alg, set);
    return candidateKeys(set, header);
  };

  const keysFor = async (header: TokenHeader): Promise<PublicJwk[]> => {
    let set = await keys.current();
    let found = candidatesIn(set, header);
    if (found.length === 0) {
      const refetched = await keys.refetchForUnknownKid();
      if (refetched !== undefined) {
        set = refetched;
        found = candidatesIn(set, header);
      }
    }
    if (found.length > 0) return found.slice(0, MAX_CANDIDATE_KEYS);
    const kid = header.kid === undefined ? 'no kid' : `kid ${JSON.stringify(header.kid)}`;
    const refusedBecause = header.kid === undefined ? undefined : set.refused[header.kid];
    if (refusedBecause !== undefined) {
      throw new VerificationError(
        'ERR_KEY_INVALID',
        `The key with ${kid} is refused: ${refusedBecause}.`,
      );
    }
    throw new VerificationError(
      'ERR_KEY_NOT_FOUND',
      `No key from ${source.id} matches the token (${kid}, alg ${header.alg}), even after a refetch. ` +
        'The token may come from another issuer or a key that was rotated out.',
    );
  };

  const verifyFully = async (token: unknown): Promise<VerifiedToken> => {
    assertCompactShape(token);
    const generation = keySetGeneration;
    let now = issuer.now();
    const verifyOptions: JWTVerifyOptions = { ...joseOptions, currentDate: new Date(now) };
    let others: PublicJwk[] = [];
    let alg = '';
    let result: JWTVerifyResult;
    try {
      result = await jwtVerify(
        token,
        (header) => {
          assertHeader(header);
          const use = ([first, ...rest]: PublicJwk[]) => {
            others = rest;
            alg = header.alg;
            // A key fetch may have just taught the clock the issuer's time (clockSkew: 'auto');
            // jose reads currentDate when it checks the claims, after the key is resolved.
            now = issuer.now();
            verifyOptions.currentDate = new Date(now);
            return importPublicKey(first!, header.alg);
          };
          // Hot path: a fresh set in memory and a matching key, without waiting on a promise.
          const fresh = keys.fresh();
          const found = fresh === undefined ? [] : candidatesIn(fresh, header);
          return found.length > 0
            ? use(found.slice(0, MAX_CANDIDATE_KEYS))
            : keysFor(header).then(use);
        },
        verifyOptions,
      );
    } catch (error) {
      if (
        (error as { code?: unknown })?.code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ||
        others.length === 0
      )
        throw error;
      result = await verifyWithOthers(token, others, alg, verifyOptions, error);
    }
    const payload = result.payload as TokenPayload;
    assertClaimTypes(payload);
    assertTimes(payload, policy, Math.floor(now / 1000));
    const verified: VerifiedToken = {
      payload,
      header: result.protectedHeader as TokenHeader,
      token,
    };
    // Frozen only when remembered: then every caller of verify(token) shares this object.
    if (memo !== undefined && generation === keySetGeneration)
      memo.set(token, deepFreeze(verified));
    return verified;
  };

  return {
    verify(token) {
      const hit = memo !== undefined && typeof token === 'string' ? memo.get(token) : undefined;
      if (hit === undefined)
        return verifyFully(token).catch((error: unknown) => Promise.reject(refuse(error)));
      try {
        // The signature and claims were checked already; time moves on, so the times are not.
        assertTimes(hit.payload, policy, Math.floor(issuer.now() / 1000));
        return Promise.resolve(hit);
      } catch (error) {
        memo!.delete(token);
        return Promise.reject(refuse(error));
      }
    },
    async hydrate() {
      try {
        await keys.current();
      } catch (error) {
        throw toVerificationError(error);
      }
    },
    async clear() {
      memo?.clear();
      keySetGeneration++;
      await keys.clear();
    },
    issuerNow: issuer.now,
    leeway: policy.leeway,
    refuse,
    emit,
  };
}

async function verifyWithOthers(
  token: string,
  others: PublicJwk[],
  alg: string,
  options: JWTVerifyOptions,
  firstError: unknown,
): Promise<JWTVerifyResult> {
  let lastError = firstError;
  for (const jwk of others) {
    try {
      return await jwtVerify(token, await importPublicKey(jwk, alg), options);
    } catch (error) {
      if ((error as { code?: unknown })?.code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')
        throw error;
      lastError = error;
    }
  }
  throw lastError;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
