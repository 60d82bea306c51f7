import { issuerTimeOf } from '../verify/front.js';
import { toSeconds, type Duration } from '../lib/duration.js';
import { VerificationError, isVerificationError } from '../lib/errors.js';
import { boundThumbprint } from '../lib/syntax.js';
import { constantTimeEqual } from '../verifiers/id-token/token-hash.js';
import { ALGORITHMS, SUPPORTED_ALGORITHMS } from '../crypto/algorithms.js';
import type { Algorithm } from '../verify/options.js';
import type { TokenPayload } from '../token/compact.js';
import type { Verifier, VerifiedToken } from '../verify/verifier.js';
import { dpopInvalid } from './errors.js';
import { accessTokenHash } from './hash.js';
import { htuOf, proofHtu } from './htu.js';
import { nonceCheck, type NonceOption } from './nonce.js';
import { checkProofSignature, type CheckedProof } from './proof.js';
import { memoryReplayStore, type ReplayStore } from '../stores/memory-replay.js';
import { presentedBy, type DpopRequest } from './request.js';

/** Options of {@link createDpopVerifier}. */
export interface DpopVerifierOptions {
  /** Verifies the access token itself (issuer, audience, signature, expiry). */
  verifier: Pick<Verifier, 'verify'>;
  /** Allowed proof algorithms (asymmetric only). @default every supported one, ES256 first */
  algorithms?: Algorithm[];
  /** How old a proof's `iat` may be. @default 300 (seconds) */
  maxAge?: Duration;
  /** Clock tolerance for the proof's `iat`, both ways. @default 5 (seconds) */
  leeway?: Duration;
  /** Where seen proof `jti`s are kept. @default memoryReplayStore() (this process only) */
  replay?: ReplayStore;
  /** Require a server nonce (RFC 9449 §8): `true` makes and rotates its own; or a function. */
  nonce?: NonceOption;
  /** @default the verifier's issuer time, else Date.now (ms since epoch) */
  clock?: () => number;
}

/** A request whose access token and DPoP proof both verified. */
export interface DpopVerifiedToken extends VerifiedToken {
  /** The RFC 7638 thumbprint of the proof key (equal to the token's `cnf.jkt`). */
  readonly jkt: string;
}

/** What {@link createDpopVerifier} returns. */
export interface DpopVerifier {
  /** Resolves when the token and its proof hold for this request; rejects with a VerificationError. */
  verify(request: DpopRequest): Promise<DpopVerifiedToken>;
  /** The nonce to hand out in a `DPoP-Nonce` header, when `nonce` is configured. */
  nonce(): Promise<string | undefined>;
  /** The proof algorithms it accepts, for a `DPoP algs="…"` challenge (RFC 9449 §7.1). */
  readonly algorithms: readonly string[];
}

// ES256 first: what browsers make fastest and what RFC 9449 examples use; then EdDSA, RSA-PSS,
// and PKCS#1 v1.5 last. The algorithms are the verifier's own (crypto/algorithms.ts).
const FAMILY_ORDER = ['ECDSA', 'Ed25519', 'RSA-PSS', 'RSASSA-PKCS1-v1_5'];
const familyRank = (alg: string): number => {
  const rank = FAMILY_ORDER.indexOf((ALGORITHMS.get(alg)?.params as { name?: string }).name ?? '');
  return rank === -1 ? FAMILY_ORDER.length : rank;
};
const defaultAlgorithms = (): string[] =>
  [...SUPPORTED_ALGORITHMS].sort((a, b) => familyRank(a) - familyRank(b));

/**
 * Checks a DPoP-bound access token and its proof on every request (RFC 9449 §4.3, §7): the token
 * through `verifier`, then one `DPoP` proof signed by the key the token is bound to (`cnf.jkt`),
 * made for this method and URL, for this token (`ath`), recent (`iat`), never seen before
 * (`jti`), and carrying the server nonce when one is required.
 *
 * Security: `createVerifier` alone does not see the scheme; an API that accepts DPoP checks every
 * request here. The default replay store is this process's memory: give several instances a
 * shared `replay` store, or one proof can be replayed once per instance.
 *
 * @example
 * const dpop = createDpopVerifier({ verifier: createVerifier({ keys, issuer, audience }) });
 * export default {
 *   async fetch(request) {
 *     const { payload, jkt } = await dpop.verify(request);
 *     return Response.json({ sub: payload.sub });
 *   },
 * };
 */
export function createDpopVerifier(options: DpopVerifierOptions): DpopVerifier {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createDpopVerifier(options) needs an options object');
  const { verifier } = options;
  if (typeof verifier?.verify !== 'function')
    throw new TypeError('createDpopVerifier: "verifier" must come from createVerifier()');
  const algorithms = algorithmsOf(options.algorithms);
  const maxAge = toSeconds(options.maxAge ?? 300, 'createDpopVerifier: "maxAge"');
  const leeway = toSeconds(options.leeway ?? 5, 'createDpopVerifier: "leeway"');
  const { clock } = options;
  if (clock !== undefined && typeof clock !== 'function')
    throw new TypeError('createDpopVerifier: "clock" must be a function');
  // The proof's `iat` is checked on the clock its token is checked by (API.md "DPoP").
  const timeFor = (token?: string): number =>
    clock === undefined ? issuerTimeOf(verifier, token) : clock();
  const replay = options.replay ?? memoryReplayStore();
  if (typeof replay?.add !== 'function')
    throw new TypeError('createDpopVerifier: "replay" must have add(id, ttlSeconds)');
  if (options.nonce !== undefined && options.nonce !== true && typeof options.nonce !== 'function')
    throw new TypeError(
      'createDpopVerifier: "nonce" must be true or a function returning the nonce',
    );
  const nonces =
    options.nonce === undefined ? undefined : nonceCheck(options.nonce, timeFor, maxAge * 1000);

  return {
    async verify(request) {
      const { token, proof } = presentedBy(request);
      const checked = await checkProofSignature(proof, algorithms);
      const now = Math.floor(timeFor(token) / 1000);
      checkRequest(checked.payload, request, now, maxAge, leeway);
      const verified = await verifier.verify(token);
      await checkBinding(checked, token, verified.payload);
      if (nonces !== undefined && !(await nonces.accepts(checked.payload.nonce))) {
        throw new VerificationError(
          'ERR_DPOP_NONCE_REQUIRED',
          'This server requires a DPoP nonce: retry with the nonce from the "DPoP-Nonce" header.',
          { claim: 'nonce', nonce: await nonces.current() },
        );
      }
      // Recorded only once everything else holds: a forged or misdirected proof uses up nothing.
      // The iat rule accepts the proof through the whole second iat + maxAge + leeway, so the jti
      // is kept one second past it; checkRequest made that at least 1 s.
      const ttl = (checked.payload.iat as number) + maxAge + leeway - now + 1;
      await remember(replay, `${checked.jkt}:${checked.payload.jti as string}`, ttl);
      return { ...verified, jkt: checked.jkt };
    },
    nonce: () => (nonces === undefined ? Promise.resolve(undefined) : nonces.current()),
    algorithms: [...algorithms],
  };
}

function algorithmsOf(given: unknown): ReadonlySet<string> {
  if (given === undefined) return new Set(defaultAlgorithms());
  if (!Array.isArray(given) || given.length === 0)
    throw new TypeError('createDpopVerifier: "algorithms" must be a non-empty array');
  for (const alg of given)
    if (!ALGORITHMS.has(alg))
      throw new TypeError(
        `createDpopVerifier: ${JSON.stringify(alg)} is not an asymmetric JWS algorithm tokenward supports`,
      );
  return new Set(given as string[]);
}

/** RFC 9449 §4.3 items 8-11 that need only the request: `jti`, `htm`, `htu`, `iat`. */
function checkRequest(
  payload: TokenPayload,
  request: DpopRequest,
  now: number,
  maxAge: number,
  leeway: number,
): void {
  const { jti, htm, htu, iat } = payload as Record<string, unknown>;
  if (typeof jti !== 'string' || jti === '' || jti.length > 256)
    throw dpopInvalid('jti', 'The DPoP proof needs a "jti" string (at most 256 characters).');
  if (htm !== request.method)
    throw dpopInvalid(
      'htm',
      'The DPoP proof "htm" is not this request\'s method: make a proof per request.',
    );
  const expected = htuOf(request.url);
  if (expected === undefined)
    throw new TypeError(
      'dpopVerifier.verify(request): "url" must be the absolute http(s) URL the client called',
    );
  if (typeof htu !== 'string' || proofHtu(htu) !== expected)
    throw dpopInvalid(
      'htu',
      'The DPoP proof "htu" is not this request\'s URL: make a proof per request.',
    );
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    throw dpopInvalid('iat', 'The DPoP proof needs a numeric "iat".');
  if (iat > now + leeway)
    throw dpopInvalid('iat', 'The DPoP proof "iat" is in the future: check the client clock.');
  if (iat < now - maxAge - leeway)
    throw dpopInvalid('iat', 'The DPoP proof is too old ("iat"): make a fresh proof per request.');
}

/** RFC 9449 §4.3 items 11-12 and §6.1: the proof is for this token, and the token for this key. */
async function checkBinding(
  proof: CheckedProof,
  token: string,
  payload: TokenPayload,
): Promise<void> {
  const { ath } = proof.payload;
  if (typeof ath !== 'string' || !constantTimeEqual(ath, await accessTokenHash(token)))
    throw dpopInvalid('ath', 'The DPoP proof "ath" is not the hash of this access token.');
  const jkt = boundThumbprint(payload);
  if (typeof jkt !== 'string')
    throw dpopInvalid(
      'cnf',
      'The access token is not DPoP-bound (no "cnf.jkt"): send it as Bearer to an API that takes those.',
    );
  if (!constantTimeEqual(jkt, proof.jkt))
    throw dpopInvalid(
      'cnf',
      'The access token is bound to another key than the one that signed this proof.',
    );
}

async function remember(replay: ReplayStore, id: string, ttl: number): Promise<void> {
  let added: boolean;
  try {
    added = await replay.add(id, ttl);
  } catch (error) {
    if (isVerificationError(error)) throw error;
    // Fail closed: a proof that cannot be recorded could be replayed.
    throw dpopInvalid('jti', 'The DPoP replay store failed, so the proof was refused.', error);
  }
  if (added !== true)
    throw dpopInvalid('jti', 'This DPoP proof was used before: make a fresh proof per request.');
}
