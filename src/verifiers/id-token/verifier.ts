import { toSeconds, type Duration } from '../../lib/duration.js';
import { discovery } from '../../keys/discovery.js';
import type { KeySource } from '../../keys/source.js';
import type { Algorithm } from '../../verify/options.js';
import type { KeyStore } from '../../stores/types.js';
import type { VerifierEvent } from '../../lib/events.js';
import type { TokenPayload } from '../../token/compact.js';
import { optionsObject } from '../../lib/options.js';
import type { SignatureProvider } from '../../crypto/provider.js';
import { buildFront, type Timing } from '../../verify/front.js';
import { resolveOptions } from '../../verify/options.js';
import { createCoreVerifier, type VerifiedToken } from '../../verify/verifier.js';
import { checkProviderSigningAlg } from '../../keyset/signing-algs.js';
import { fail, type Fail } from '../fail.js';

const I = 'createIdTokenVerifier';
import { constantTimeEqual, tokenHash } from './token-hash.js';

/** Options of {@link createIdTokenVerifier}. */
export interface IdTokenVerifierOptions extends OpenIdProviderOptions {
  /** This app's client id: `aud` must contain it, and `azp`, when present, must equal it. */
  clientId: string;
  /** Remember verified ID tokens (see `createVerifier`). @default { max: 1000 } */
  memo?:
    | false
    | {
        /** How many verified tokens to keep. */
        max: number;
      };
}

/** What verifiers of an OpenID provider's own tokens share: ID tokens, logout tokens. */
export interface OpenIdProviderOptions {
  /** The OpenID provider's issuer identifier; `iss` must equal it exactly. */
  issuer: string;
  /** @default discovery(issuer) */
  keys?: KeySource;
  /** Narrowed to the provider's `id_token_signing_alg_values_supported`. @default ['RS256'] */
  algorithms?: Algorithm[];
  /** @default 0 (seconds) */
  leeway?: Duration;
  /** @default Date.now */
  clock?: () => number;
  /** @default memoryStore() */
  cache?: KeyStore;
  /** A duration or 'auto' (see `createVerifier`). @default 0 */
  clockSkew?: Duration | 'auto';
  /** Observes key fetches, cache hits and refusals (never the token). */
  onEvent?: (event: VerifierEvent) => void;
  /** What checks signatures (see `createVerifier`). @default WebCrypto (node:crypto in the Node build) */
  crypto?: SignatureProvider;
}

/** What this sign-in must match. Give every value the flow produced. */
export interface IdTokenChecks {
  /** The nonce sent in the authentication request. `null`, `undefined` or `''` is a TypeError. */
  nonce?: string;
  /** The `max_age` requested: `auth_time` must be within it. 0 is allowed. */
  maxAge?: Duration;
  /** The access token from the same response, checked against `at_hash` when present. */
  accessToken?: string;
  /** The authorization code from the same response, checked against `c_hash` when present. */
  code?: string;
}

/** What `createIdTokenVerifier` returns. */
export interface IdTokenVerifier {
  /** Resolves with the verified token (these checks included), or rejects with a `VerificationError`. */
  verify(idToken: string, checks?: IdTokenChecks): Promise<VerifiedToken>;
  /** Fetches the keys now, so the first `verify` does not wait for the network. */
  hydrate(): Promise<void>;
  /** Forgets cached keys and remembered tokens. */
  clear(): Promise<void>;
}

/**
 * Validates OpenID Connect ID tokens in the browser per OIDC Core §3.1.3.7: signature, allowed
 * algorithm, `iss`, `aud`/`azp`, `exp`, `iat`, `sub`, and on each call the sign-in's `nonce`,
 * `max_age`, `at_hash` and `c_hash`.
 *
 * Security: pass the `nonce` you stored before the redirect; a lost nonce is a TypeError, never a
 * skipped check.
 *
 * @example
 * const idTokens = createIdTokenVerifier({ issuer: 'https://accounts.example.com', clientId: 'my-spa' });
 * const { payload } = await idTokens.verify(idToken, { nonce: sessionStorage.getItem('nonce')!, maxAge: '1h' });
 */
export function createIdTokenVerifier(options: IdTokenVerifierOptions): IdTokenVerifier {
  const given = optionsObject(options, I);
  const { issuer, clientId, keys } = options;
  if (typeof issuer !== 'string' || issuer === '')
    throw new TypeError(`${I}: "issuer" must be the issuer URL`);
  if (typeof clientId !== 'string' || clientId === '')
    throw new TypeError(`${I}: "clientId" must be a non-empty string`);
  const core = createCoreVerifier(
    resolveOptions(given, I, {
      keys: keys ?? discovery(issuer),
      audience: clientId,
      requiredClaims: ['exp', 'iat', 'sub'],
    }),
    { algorithmRule: checkProviderSigningAlg },
  );
  return buildFront(core, {
    readChecks,
    check: (verified, wanted, timing) => checkSignIn(verified, wanted, timing, clientId),
  });
}

/** OIDC Core §3.1.3.7 items 4, 5, 11 and §3.1.3.6, §3.3.2.11: this sign-in's own values. */
async function checkSignIn(
  verified: VerifiedToken,
  wanted: Wanted,
  { now, leeway }: Timing,
  clientId: string,
): Promise<VerifiedToken> {
  const { payload, header } = verified;
  checkAuthorizedParty(payload, clientId, fail);
  if (wanted.nonce !== undefined) checkNonce(payload.nonce, wanted.nonce);
  if (wanted.maxAge !== undefined) checkAuthTime(payload, wanted.maxAge, now, leeway, fail);
  for (const [claim, value] of [
    ['at_hash', wanted.accessToken],
    ['c_hash', wanted.code],
  ] as const) {
    if (value === undefined || payload[claim] === undefined) continue;
    const expected = await tokenHash(value, header.alg);
    if (
      typeof payload[claim] !== 'string' ||
      expected === undefined ||
      !constantTimeEqual(payload[claim], expected)
    ) {
      fail(
        'ERR_CLAIM_INVALID',
        claim,
        `The ID token's "${claim}" does not match the ${claim === 'at_hash' ? 'access token' : 'authorization code'} it came with.`,
      );
    }
  }
  return verified;
}

function checkNonce(nonce: unknown, wanted: string): void {
  if (nonce === undefined)
    fail('ERR_CLAIM_MISSING', 'nonce', 'The ID token has no "nonce", but this sign-in sent one.');
  if (typeof nonce !== 'string' || !constantTimeEqual(nonce, wanted)) {
    fail(
      'ERR_CLAIM_INVALID',
      'nonce',
      'The ID token\'s "nonce" is not the one this sign-in sent: a replayed or injected token.',
    );
  }
}

interface Wanted {
  nonce?: string;
  maxAge?: number;
  accessToken?: string;
  code?: string;
}

function readChecks(checks: IdTokenChecks): Wanted {
  if (typeof checks !== 'object' || checks === null)
    throw new TypeError('verify(idToken, checks): checks must be an object');
  const wanted: Wanted = {};
  if ('nonce' in checks) {
    if (typeof checks.nonce !== 'string' || checks.nonce === '') {
      throw new TypeError(
        'verify(idToken, { nonce }): the nonce is missing. Pass the nonce stored before the redirect; a lost nonce must not skip the check.',
      );
    }
    wanted.nonce = checks.nonce;
  }
  if (checks.maxAge !== undefined) wanted.maxAge = toSeconds(checks.maxAge, 'maxAge');
  for (const name of ['accessToken', 'code'] as const) {
    const value = checks[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '')
      throw new TypeError(`verify(idToken, { ${name} }) must be a non-empty string`);
    wanted[name] = value;
  }
  return wanted;
}

/** OIDC Core §3.1.3.7 items 4 and 5. */
function checkAuthorizedParty(payload: TokenPayload, clientId: string, fail: Fail): void {
  const severalAudiences = Array.isArray(payload.aud) && payload.aud.length > 1;
  if (payload.azp === undefined) {
    if (severalAudiences)
      fail('ERR_CLAIM_MISSING', 'azp', 'The ID token names several audiences but no "azp".');
    return;
  }
  if (payload.azp !== clientId)
    fail('ERR_CLAIM_INVALID', 'azp', 'The ID token was issued to another client ("azp").');
}

/** OIDC Core §3.1.3.7 item 11: the sign-in is no older than max_age. */
function checkAuthTime(
  payload: TokenPayload,
  maxAge: number,
  nowMs: number,
  leeway: number,
  fail: Fail,
): void {
  const authTime = payload.auth_time;
  if (authTime === undefined)
    fail(
      'ERR_CLAIM_MISSING',
      'auth_time',
      'max_age was requested but the ID token has no "auth_time".',
    );
  if (typeof authTime !== 'number' || !Number.isFinite(authTime)) {
    return fail('ERR_CLAIM_INVALID', 'auth_time', 'The ID token\'s "auth_time" is not a number.');
  }
  if (authTime + maxAge < Math.floor(nowMs / 1000) - leeway) {
    fail(
      'ERR_CLAIM_INVALID',
      'auth_time',
      'The user signed in longer ago than max_age allows: ask them to sign in again.',
    );
  }
}
