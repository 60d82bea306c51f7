import { toSeconds, type Duration } from '../../lib/duration.js';
import { VerificationError } from '../../lib/errors.js';
import { discovery } from '../../keys/discovery.js';
import type { KeySource } from '../../keys/source.js';
import type { Algorithm } from '../../verify/options.js';
import type { KeyStore } from '../../stores/types.js';
import type { VerifierEvent } from '../../lib/events.js';
import type { TokenPayload } from '../../token/compact.js';
import { createCoreVerifier, type VerifiedToken } from '../../verify/verifier.js';
import { providerSigningAlgs } from './signing-algs.js';
import { constantTimeEqual, tokenHash } from './token-hash.js';

/** Options of {@link createIdTokenVerifier}. */
export interface IdTokenVerifierOptions extends OpenIdProviderOptions {
  /** This app's client id: `aud` must contain it, and `azp`, when present, must equal it. */
  clientId: string;
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
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createIdTokenVerifier(options) needs an options object');
  const { issuer, clientId, keys, ...rest } = options;
  if (typeof issuer !== 'string' || issuer === '')
    throw new TypeError('createIdTokenVerifier: "issuer" must be the issuer URL');
  if (typeof clientId !== 'string' || clientId === '')
    throw new TypeError('createIdTokenVerifier: "clientId" must be a non-empty string');
  const core = createCoreVerifier(
    {
      ...rest,
      keys: keys ?? discovery(issuer),
      issuer,
      audience: clientId,
      requiredClaims: ['exp', 'iat', 'sub'],
    },
    { checkAlgorithm: providerSigningAlgs },
  );

  const fail = (
    code: 'ERR_CLAIM_INVALID' | 'ERR_CLAIM_MISSING',
    claim: string,
    message: string,
  ): never => {
    throw core.refuse(new VerificationError(code, message, { claim }));
  };

  return {
    async verify(idToken, checks = {}) {
      const wanted = readChecks(checks);
      const verified = await core.verify(idToken);
      const { payload, header } = verified;
      checkAuthorizedParty(payload, clientId, fail);
      if (wanted.nonce !== undefined) {
        if (payload.nonce === undefined)
          fail(
            'ERR_CLAIM_MISSING',
            'nonce',
            'The ID token has no "nonce", but this sign-in sent one.',
          );
        if (typeof payload.nonce !== 'string' || !constantTimeEqual(payload.nonce, wanted.nonce)) {
          fail(
            'ERR_CLAIM_INVALID',
            'nonce',
            'The ID token\'s "nonce" is not the one this sign-in sent: a replayed or injected token.',
          );
        }
      }
      if (wanted.maxAge !== undefined)
        checkAuthTime(payload, wanted.maxAge, core.issuerNow(), core.leeway, fail);
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
    },
    hydrate: core.hydrate,
    clear: core.clear,
  };
}

function readChecks(checks: IdTokenChecks): {
  nonce?: string;
  maxAge?: number;
  accessToken?: string;
  code?: string;
} {
  if (typeof checks !== 'object' || checks === null)
    throw new TypeError('verify(idToken, checks): checks must be an object');
  const wanted: { nonce?: string; maxAge?: number; accessToken?: string; code?: string } = {};
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

type Fail = (
  code: 'ERR_CLAIM_INVALID' | 'ERR_CLAIM_MISSING',
  claim: string,
  message: string,
) => never;

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
