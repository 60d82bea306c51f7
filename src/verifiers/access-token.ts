import { discovery } from '../keys/discovery.js';
import type { KeySource } from '../keys/source.js';
import type { VerifierOptions } from '../verify/options.js';
import { createCoreVerifier, type VerifiedToken } from '../verify/verifier.js';
import { failWith, type Fail } from './fail.js';
import { checkScopes, readScopeRule, type ScopeRule } from './scopes.js';

/** RFC 9068 §2.2: the claims every JWT access token carries. */
const ACCESS_TOKEN_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'];

/** Options of {@link createAccessTokenVerifier}: those of `createVerifier`, `typ` fixed. */
export interface AccessTokenVerifierOptions extends Omit<
  VerifierOptions,
  'keys' | 'issuer' | 'audience' | 'typ'
> {
  /** The authorization server's issuer identifier; `iss` must equal it exactly (RFC 9068 §4). */
  issuer: string;
  /** This resource server's identifier(s) (its resource indicator): `aud` must contain one. */
  audience: string | string[];
  /** @default discovery(issuer) */
  keys?: KeySource;
  /** Added to the claims RFC 9068 requires (`iss exp aud sub client_id iat jti`). */
  requiredClaims?: string[];
}

/** What one request needs of the access token. */
export interface AccessTokenChecks {
  /** Scopes that must all be granted (whole words of the `scope` claim). */
  scopes?: string[];
  /** Scopes of which at least one must be granted; `true` makes `scopes` the alternatives. */
  anyScope?: string[] | boolean;
  /** The client(s) allowed to call: `client_id` must be one of them. */
  clientId?: string | string[];
}

/** What `createAccessTokenVerifier` returns. */
export interface AccessTokenVerifier {
  /** Resolves with the verified token (these checks included), or rejects with a `VerificationError`. */
  verify(token: string, checks?: AccessTokenChecks): Promise<VerifiedToken>;
  /** Fetches the keys now, so the first `verify` does not wait for the network. */
  hydrate(): Promise<void>;
  /** Forgets cached keys and remembered tokens. */
  clear(): Promise<void>;
}

/**
 * Verifies OAuth 2.0 JWT access tokens as a resource server must (RFC 9068 §4): header `typ`
 * `at+jwt` (so an ID token from the same issuer is refused), `iss` exactly the issuer, `aud`
 * naming this API, the signature, `exp`, and `iss exp aud sub client_id iat jti` present; then,
 * on every call (memo hits included), the scopes and client the request needs.
 *
 * Security: an ID token is signed by the same keys; without the `typ` check it would pass.
 *
 * @example
 * const accessTokens = createAccessTokenVerifier({
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://api.example.com',
 * });
 * const { payload } = await accessTokens.verify(token, { scopes: ['orders:read'] });
 */
export function createAccessTokenVerifier(
  options: AccessTokenVerifierOptions,
): AccessTokenVerifier {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createAccessTokenVerifier(options) needs an options object');
  const { issuer, audience, keys, requiredClaims = [], ...rest } = options;
  if (typeof issuer !== 'string' || issuer === '')
    throw new TypeError('createAccessTokenVerifier: "issuer" must be the issuer identifier');
  if (audience === null || audience === undefined) {
    throw new TypeError(
      'createAccessTokenVerifier: "audience" is required: RFC 9068 §4 has the resource server check that "aud" names it',
    );
  }
  if ('typ' in rest)
    throw new TypeError('createAccessTokenVerifier: "typ" is fixed to at+jwt (RFC 9068 §2.1)');
  if (!Array.isArray(requiredClaims))
    throw new TypeError('createAccessTokenVerifier: requiredClaims must be an array');
  const core = createCoreVerifier({
    ...rest,
    keys: keys ?? discovery(issuer),
    issuer,
    audience,
    typ: 'at+jwt',
    requiredClaims: [...new Set([...ACCESS_TOKEN_CLAIMS, ...requiredClaims])],
  });
  const fail = failWith(core);

  return {
    async verify(token, checks = {}) {
      const wanted = readChecks(checks);
      const verified = await core.verify(token);
      checkClient(verified.payload.client_id, wanted.clientIds, fail);
      checkScopes(verified.payload, wanted.scopes, fail);
      return verified;
    },
    hydrate: core.hydrate,
    clear: core.clear,
  };
}

function readChecks(checks: AccessTokenChecks): { scopes: ScopeRule; clientIds?: string[] } {
  if (typeof checks !== 'object' || checks === null)
    throw new TypeError('verify(token, checks): checks must be an object');
  const scopes = readScopeRule(checks.scopes, checks.anyScope);
  const { clientId } = checks;
  if (clientId === undefined) return { scopes };
  const clientIds = typeof clientId === 'string' ? [clientId] : clientId;
  if (
    !Array.isArray(clientIds) ||
    clientIds.length === 0 ||
    !clientIds.every((c) => typeof c === 'string' && c !== '')
  ) {
    throw new TypeError(
      'verify(token, { clientId }) must be a client id or a non-empty array of them',
    );
  }
  return { scopes, clientIds };
}

/** RFC 9068 §2.2: `client_id` (RFC 8693 §4.3) is a string; a call may name the clients it allows. */
function checkClient(clientId: unknown, allowed: string[] | undefined, fail: Fail): void {
  if (typeof clientId !== 'string')
    fail('ERR_CLAIM_INVALID', 'client_id', 'The access token\'s "client_id" is not a string.');
  if (allowed !== undefined && !allowed.includes(clientId as string))
    fail(
      'ERR_CLAIM_INVALID',
      'client_id',
      'The access token was issued to a client this call does not allow.',
    );
}
