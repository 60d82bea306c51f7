import { base64url } from 'jose';
import { typMatches } from '../verify/claims.js';
import { toSeconds, type Duration } from '../lib/duration.js';
import { providerSigningAlgs } from './id-token/signing-algs.js';
import type { OpenIdProviderOptions } from './id-token/verifier.js';
import { discovery } from '../keys/discovery.js';
import { memoryReplayStore, type ReplayStore } from '../stores/memory-replay.js';
import type { TokenHeader } from '../token/header.js';
import type { TokenPayload } from '../token/compact.js';
import { createCoreVerifier } from '../verify/verifier.js';
import { failWith, type Fail } from './fail.js';

/** The member of `events` that makes a JWT a logout token (Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

// The core's claim options (audience, typ, requiredClaims, memo) are fixed by the profile.
const OPTIONS = new Set([
  'issuer',
  'clientId',
  'keys',
  'replay',
  'maxAge',
  'algorithms',
  'leeway',
  'clock',
  'cache',
  'clockSkew',
  'onEvent',
]);

/** Options of {@link createLogoutTokenVerifier}. */
export interface LogoutTokenVerifierOptions extends OpenIdProviderOptions {
  /** This app's client id: `aud` must contain it. */
  clientId: string;
  /** Where seen `jti`s are kept; share one (KV, Redis) across instances. @default memoryReplayStore() */
  replay?: ReplayStore;
  /** The oldest `iat` accepted. @default 120 (seconds) */
  maxAge?: Duration;
}

/** A logout request that passed every check: log out `sid`, or every session of `sub`. */
export interface VerifiedLogout {
  /** The End-User whose sessions end (all of them when `sid` is absent). */
  sub?: string;
  /** The provider's session id: end the sessions tied to it. */
  sid?: string;
  /** All verified claims of the logout token. */
  payload: Readonly<TokenPayload>;
}

/** What `createLogoutTokenVerifier` returns. */
export interface LogoutTokenVerifier {
  /** Resolves once per token: a second delivery of the same `jti` is refused. */
  verify(logoutToken: string): Promise<VerifiedLogout>;
  /** Fetches the keys now, so the first `verify` does not wait for the network. */
  hydrate(): Promise<void>;
  /** Forgets cached keys and remembered tokens. */
  clear(): Promise<void>;
}

/**
 * Validates OpenID Connect Back-Channel Logout tokens (Back-Channel Logout 1.0 §2.6): the
 * signature and algorithm as for ID tokens, `iss`, `aud`, `iat`, `exp`, `jti`, the logout event,
 * `sub` or `sid`, no `nonce`, `typ` `logout+jwt` (or an untyped JWT), `iat` within `maxAge`,
 * and the `jti` not seen before. The `jti` is recorded only once every other check has passed,
 * so a forged or expired token uses up nothing.
 *
 * Security: the default replay store lives in this instance's memory; with several instances,
 * pass a shared `replay` store or a token replayed to another instance is accepted there.
 *
 * @example
 * const logoutTokens = createLogoutTokenVerifier({ issuer: 'https://accounts.example.com', clientId: 'my-app' });
 * const { sub, sid } = await logoutTokens.verify(logoutToken);
 */
export function createLogoutTokenVerifier(
  options: LogoutTokenVerifierOptions,
): LogoutTokenVerifier {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createLogoutTokenVerifier(options) needs an options object');
  for (const name of Object.keys(options)) {
    if (!OPTIONS.has(name))
      throw new TypeError(`createLogoutTokenVerifier: unknown option "${name}"`);
  }
  const { issuer, clientId, keys, replay = memoryReplayStore(), maxAge = 120, ...rest } = options;
  if (typeof issuer !== 'string' || issuer === '')
    throw new TypeError('createLogoutTokenVerifier: "issuer" must be the issuer URL');
  if (typeof clientId !== 'string' || clientId === '')
    throw new TypeError('createLogoutTokenVerifier: "clientId" must be a non-empty string');
  if (typeof replay?.add !== 'function')
    throw new TypeError('createLogoutTokenVerifier: replay must be { add(id, ttlSeconds) }');
  const maxAgeSeconds = toSeconds(maxAge, 'createLogoutTokenVerifier: maxAge');
  const core = createCoreVerifier(
    {
      ...rest,
      keys: keys ?? discovery(issuer),
      issuer,
      audience: clientId,
      requiredClaims: ['iss', 'aud', 'iat', 'exp', 'jti'],
      maxTokenAge: maxAgeSeconds,
      // A logout token is delivered once: nothing to gain from remembering it.
      memo: false,
    },
    { checkAlgorithm: providerSigningAlgs },
  );
  const fail = failWith(core);

  return {
    async verify(logoutToken) {
      const { payload, header } = await core.verify(logoutToken);
      checkLogoutToken(header, payload, fail);
      // Last, so that only a token that passed everything else is recorded (§2.6 item 7).
      const ttl = rememberFor(payload, maxAgeSeconds, core.leeway, core.issuerNow());
      if (!(await replay.add(await replayId(issuer, payload.jti!), ttl))) {
        fail(
          'ERR_CLAIM_INVALID',
          'jti',
          'This logout token was received before (same "jti"): a replay.',
        );
      }
      const logout: VerifiedLogout = { payload };
      if (payload.sub !== undefined) logout.sub = payload.sub;
      if (payload.sid !== undefined) logout.sid = payload.sid as string;
      return logout;
    },
    hydrate: core.hydrate,
    clear: core.clear,
  };
}

/** Back-Channel Logout 1.0 §2.4 and §2.6 items 4–6, after the core checks. */
function checkLogoutToken(header: TokenHeader, payload: TokenPayload, fail: Fail): void {
  // §2.4 / §4.1: explicitly typed logout+jwt, or not explicitly typed ("requiring explicitly
  // typed Logout Tokens will break most existing deployments"); any other type is another JWT.
  if (
    header.typ !== undefined &&
    !typMatches(header.typ, 'logout+jwt') &&
    !typMatches(header.typ, 'jwt')
  ) {
    fail(
      'ERR_CLAIM_INVALID',
      'typ',
      'The token\'s header "typ" says it is not a logout token (logout+jwt or JWT expected).',
    );
  }
  checkEvent(payload.events, fail);
  for (const claim of ['sub', 'sid'] as const) {
    const value = payload[claim];
    if (value !== undefined && (typeof value !== 'string' || value === ''))
      fail('ERR_CLAIM_INVALID', claim, `The logout token's "${claim}" must be a non-empty string.`);
  }
  if (payload.sub === undefined && payload.sid === undefined)
    fail(
      'ERR_CLAIM_MISSING',
      'sub',
      'The logout token names neither "sub" nor "sid": nothing to log out.',
    );
  // §2.4: a nonce is prohibited, so an ID token can never pass as a logout token or back.
  if (Object.hasOwn(payload, 'nonce'))
    fail('ERR_CLAIM_INVALID', 'nonce', 'A logout token must not carry a "nonce" (§2.4).');
}

/** §2.4: `events` is an object whose back-channel logout member is an object (usually `{}`). */
function checkEvent(events: unknown, fail: Fail): void {
  if (events === undefined)
    fail('ERR_CLAIM_MISSING', 'events', 'The token has no "events" claim: not a logout token.');
  if (!isJsonObject(events))
    fail('ERR_CLAIM_INVALID', 'events', 'The logout token\'s "events" is not a JSON object.');
  if (!Object.hasOwn(events as object, BACKCHANNEL_LOGOUT_EVENT)) {
    fail(
      'ERR_CLAIM_MISSING',
      'events',
      `The token's "events" lacks ${BACKCHANNEL_LOGOUT_EVENT}: not a logout token.`,
    );
  }
  if (!isJsonObject((events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT]))
    fail('ERR_CLAIM_INVALID', 'events', 'The back-channel logout event must be a JSON object.');
}

function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Seconds the token stays acceptable: until `exp` or `iat + maxAge` (plus leeway), at least 1. */
function rememberFor(payload: TokenPayload, maxAge: number, leeway: number, nowMs: number): number {
  const until = Math.min(payload.exp!, payload.iat! + maxAge) + leeway;
  return Math.max(1, Math.ceil(until - nowMs / 1000) + 1);
}

/**
 * The replay key: a hash of issuer and `jti`, so a shared store's keys have a fixed length
 * (Workers KV allows 512 bytes) and carry no text chosen by the token's issuer.
 */
async function replayId(issuer: string, jti: string): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify([issuer, jti]));
  return `logout:${base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))}`;
}
