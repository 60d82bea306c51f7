import { checkClaims, checkTimes } from './claims.js';
import { issuerClock, rememberIssuerTime } from './clock.js';
import { VerificationError } from '../lib/errors.js';
import { refuser, type EmitEvent } from '../lib/events.js';
import { createKeyCache } from '../keyset/key-cache.js';
import { checkKeyIssuer } from '../keys/key-issuer.js';
import { verifyPrepared, type PreparedKey } from '../crypto/prepared-key.js';
import { keyResolver, type AlgorithmCheck } from '../keyset/resolver.js';
import { invalidSignature, signatureCheckFailed } from '../lib/map-error.js';
import { createMemo } from '../lib/memo.js';
import { resolveOptions, type VerifierOptions } from './options.js';
import {
  decodeToken,
  deepFreeze,
  parsePayload,
  type DecodedToken,
  type TokenPayload,
} from '../token/compact.js';
import type { TokenHeader } from '../token/header.js';

/**
 * A token that passed every check. The header is shared by every token that spells it the same,
 * so it is always frozen; the whole result is frozen when the memo keeps it (repeats share it).
 */
export interface VerifiedToken {
  /** The verified claims. */
  readonly payload: Readonly<TokenPayload>;
  /** The verified JOSE header. */
  readonly header: Readonly<TokenHeader>;
  /** The token that was verified, as given. */
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

/**
 * Creates a verifier: fetches and caches the issuer's public keys, verifies the signature
 * with WebCrypto, checks the claims, and remembers tokens it has verified.
 *
 * Security: `issuer` and `audience` must be given (or `null` to opt out, explicitly);
 * `exp` is required by default; `none` and HS* are refused. For several issuers, see
 * `createMultiIssuerVerifier`.
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
  const { verify, hydrate, clear, issuerNow } = createCoreVerifier(options);
  return rememberIssuerTime({ verify, hydrate, clear }, issuerNow);
}

/** @internal What verifiers built on the core one (ID tokens) may add. */
export interface VerifierExtension {
  /** Sees the token's `alg` and the key set (with its discovery metadata) before key selection; throws to refuse. */
  checkAlgorithm?: AlgorithmCheck;
}

/** @internal The core verifier with what extensions need: issuer time, leeway, and the event sink. */
export interface CoreVerifier extends Verifier {
  issuerNow(): number;
  readonly leeway: number;
  /** Reports a refusal (event `token:rejected`) and returns it; anything else is rethrown. */
  refuse(error: unknown): VerificationError;
  readonly emit: EmitEvent;
}

/**
 * @internal The verify pipeline, top to bottom: memo hit → decode once → algorithm → keys
 * (resolved before the check) → signature → claims → remember.
 */
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
    crypto,
  } = resolveOptions(options);
  const issuer = issuerClock(clock, clockSkew, emit);
  const memo = memoMax > 0 ? createMemo<VerifiedToken>(memoMax) : undefined;
  const allowed = new Set(policy.algorithms);
  let keySetGeneration = 0;
  const keys = createKeyCache({
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
  const resolver = keyResolver(keys, source.id, crypto, extension.checkAlgorithm);

  const refuse = refuser(emit);

  // The pipeline, one await per step that can wait; the result is remembered only if the key
  // set did not change while it ran.
  const verifyFully = async (token: string): Promise<VerifiedToken> => {
    const generation = keySetGeneration;
    try {
      const decoded = decodeToken(token);
      const { header } = decoded;
      if (!allowed.has(header.alg)) throw algorithmNotAllowed(header.alg);
      const found = resolver.keysFor(header);
      const candidates = Array.isArray(found) ? found : await found;
      // After the keys: a key fetch may have just taught the clock the issuer's time ('auto').
      const now = issuer.now();
      const key = await checkSignature(candidates, decoded);
      const payload = parsePayload(decoded.payloadBytes);
      checkKeyIssuer(key.jwk, payload);
      checkClaims(payload, header, policy, Math.floor(now / 1000));
      const verified: VerifiedToken = { payload, header, token };
      // Frozen only when remembered: then every caller of verify(token) shares this object.
      if (memo !== undefined && generation === keySetGeneration)
        memo.set(token, deepFreeze(verified));
      return verified;
    } catch (error) {
      throw refuse(error);
    }
  };

  const recheck = (token: string, hit: VerifiedToken): Promise<VerifiedToken> => {
    try {
      // The signature and claims were checked already; time moves on, so the times are not.
      checkTimes(hit.payload, policy, Math.floor(issuer.now() / 1000));
      return Promise.resolve(hit);
    } catch (error) {
      memo!.delete(token);
      return Promise.reject(refuse(error));
    }
  };

  return {
    verify(token) {
      // A remembered token is vouched for only while the key set that verified it is
      // servable: once it goes stale, the next verify refetches, so a rotated-out key stops.
      const hit = memo !== undefined && typeof token === 'string' ? memo.get(token) : undefined;
      if (hit !== undefined && keys.servable()) return recheck(token, hit);
      return verifyFully(token);
    },
    async hydrate() {
      await keys.current();
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

/** Tries each candidate key; the first that verifies wins (a kid-less token may name none). */
async function checkSignature(
  candidates: PreparedKey[],
  decoded: DecodedToken,
): Promise<PreparedKey> {
  for (const key of candidates) {
    let verified: boolean;
    try {
      verified = await verifyPrepared(key, decoded.signingInput, decoded.signature);
    } catch (error) {
      throw signatureCheckFailed(error);
    }
    if (verified) return key;
  }
  throw invalidSignature();
}

function algorithmNotAllowed(alg: string): VerificationError {
  const shown = alg.length > 32 ? `${alg.slice(0, 32)}…` : alg;
  return new VerificationError(
    'ERR_ALG_NOT_ALLOWED',
    `The token's "alg" (${JSON.stringify(shown)}) is not in the allowed algorithms; \`none\` and HS* are never accepted.`,
  );
}
