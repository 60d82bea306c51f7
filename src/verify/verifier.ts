import { checkClaims, checkTimes } from './claims.js';
import { issuerClock, type IssuerClock } from './clock.js';
import { buildFront, type Core, type Verifier, type VerifiedToken } from './front.js';
import { VerificationError } from '../lib/errors.js';
import { refuser } from '../lib/events.js';
import { checkKeyIssuer } from '../keys/key-issuer.js';
import { verifyPrepared, type PreparedKey } from '../crypto/prepared-key.js';
import { createKeySet, type KeySet } from '../keyset/key-set.js';
import type { AlgorithmRule } from '../keyset/signing-algs.js';
import { invalidSignature, signatureCheckFailed } from '../lib/map-error.js';
import { createMemo, type Memo } from '../lib/memo.js';
import { resolveOptions, type ResolvedOptions, type VerifierOptions } from './options.js';
import { decodeToken, deepFreeze, parsePayload, type DecodedToken } from '../token/compact.js';

export type { Verifier, VerifiedToken } from './front.js';

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
  return buildFront(createCoreVerifier(resolveOptions(options, 'createVerifier')));
}

/** What the core profile settings say: data, read by the layers below. */
export interface CoreSettings {
  /** ID and logout tokens: `alg` must also be in the provider's discovery list. */
  algorithmRule?: AlgorithmRule;
}

/** A remembered result, and the key set that vouched for it (by identity). */
interface Remembered {
  readonly verified: VerifiedToken;
  readonly keys: object;
}

/** What the steps of one verifier share. */
interface Pipeline {
  readonly policy: ResolvedOptions['policy'];
  readonly allowed: ReadonlySet<string>;
  readonly issuer: IssuerClock;
  readonly keySet: KeySet;
  readonly memo: Memo<Remembered> | undefined;
  readonly refuse: (error: unknown) => VerificationError;
}

/**
 * @internal The verify pipeline, top to bottom: memo hit → decode once → algorithm → keys
 * (resolved before the check) → signature → claims → remember.
 */
export function createCoreVerifier(options: ResolvedOptions, settings: CoreSettings = {}): Core {
  const { keys: source, policy, clock, clockSkew, cache: store, memoMax, emit, crypto } = options;
  const p: Pipeline = {
    policy,
    allowed: new Set(policy.algorithms),
    issuer: issuerClock(clock, clockSkew, emit),
    keySet: createKeySet({
      source,
      store,
      clock,
      emit,
      provider: crypto,
      algorithmRule: settings.algorithmRule,
    }),
    memo: memoMax > 0 ? createMemo<Remembered>(memoMax) : undefined,
    refuse: refuser(emit),
  };
  return {
    verify(token) {
      // A remembered token is vouched for only while the set that verified it is the servable
      // one: once it goes stale or changes, the next verify refetches, so a rotated-out key stops.
      const hit = p.memo !== undefined && typeof token === 'string' ? p.memo.get(token) : undefined;
      if (hit !== undefined && hit.keys === p.keySet.servable()?.keys)
        return recheck(p, token, hit.verified);
      return verifyFully(p, token);
    },
    async hydrate() {
      p.issuer.learn(await p.keySet.hydrate());
    },
    async clear() {
      p.memo?.clear();
      await p.keySet.clear();
    },
    timing: () => ({ now: p.issuer.now(), leeway: policy.leeway }),
    refuse: p.refuse,
  };
}

// The pipeline, one await per step that can wait; the result is remembered with the identity
// of the key set that vouched for it.
async function verifyFully(p: Pipeline, token: string): Promise<VerifiedToken> {
  try {
    const decoded = decodeToken(token);
    const { header } = decoded;
    if (!p.allowed.has(header.alg)) throw algorithmNotAllowed(header.alg);
    const pending = p.keySet.keysFor(header);
    const found = 'keys' in pending ? pending : await pending;
    // After the keys: a key fetch may have just taught the clock the issuer's time ('auto').
    p.issuer.learn(found.observed);
    const now = p.issuer.now();
    const key = await checkSignature(found.keys, decoded);
    const payload = parsePayload(decoded.payloadBytes);
    checkKeyIssuer(key.jwk, payload);
    checkClaims(payload, header, p.policy, Math.floor(now / 1000));
    const verified: VerifiedToken = { payload, header, token };
    // Frozen only when remembered: then every caller of verify(token) shares this object.
    p.memo?.set(token, { verified: deepFreeze(verified), keys: found.set.keys });
    return verified;
  } catch (error) {
    throw p.refuse(error);
  }
}

function recheck(p: Pipeline, token: string, hit: VerifiedToken): Promise<VerifiedToken> {
  try {
    // The signature and claims were checked already; time moves on, so the times are not.
    checkTimes(hit.payload, p.policy, Math.floor(p.issuer.now() / 1000));
    return Promise.resolve(hit);
  } catch (error) {
    p.memo!.delete(token);
    return Promise.reject(p.refuse(error));
  }
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
