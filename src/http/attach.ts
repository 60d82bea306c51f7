import { issuerTimeOf } from '../verify/clock.js';
import type { Dpop } from '../dpop/client.js';
import { isVerificationError } from '../lib/errors.js';
import type { Verifier, VerifiedToken } from '../verify/verifier.js';
import { checkBoundTo, saysUseDpopNonce } from './dpop.js';
import { createDiscovery } from './discover.js';
import type { FetchLike } from '../keys/policy.js';
import {
  checkFits,
  contextOf,
  readResources,
  targetOf,
  type ResourceEntry,
  type Target,
  type TokenContext,
} from './resources.js';

type MaybePromise<T> = T | Promise<T>;
/** A token, or nothing (`undefined`, `null`, `''`) for a logged-out user. */
export type TokenResult = string | null | undefined;

/** Options shared by `withVerifiedToken`, `verifiedTokenHooks` and `createFetch`. */
export interface VerifiedTokenOptions {
  /** The verifier every token passes before it is sent or stored. */
  verifier: Pick<Verifier, 'verify'>;
  /**
   * The current token for this request's resource, sync or async. Nothing means: send the
   * request without `Authorization`.
   */
  getToken: (context: TokenContext) => MaybePromise<TokenResult>;
  /**
   * A fresh token, used once when the current one fails (or does not fit the resource), or the
   * server answers 401 invalid_token (or insufficient_scope: `scopes` then holds the new ones).
   */
  refresh?: (context: TokenContext) => MaybePromise<TokenResult>;
  /**
   * Origins (scheme, host, port) that may receive the token, compared exactly.
   * @default [location.origin] in a browser without `resources`; required elsewhere
   */
  allowedOrigins?: string[];
  /**
   * Which token goes where (RFC 8707): a request under an entry's `url` (same origin, path on a
   * `/` boundary, longest match) gets only a token whose `aud` holds the entry's `resource`,
   * whose `scope` holds its `scopes` and, with `issuers`, whose `iss` is one of them; an origin
   * with entries gives nothing to a URL no entry covers.
   */
  resources?: ResourceEntry[];
  /**
   * Learn the resource of an `allowedOrigins` origin from its RFC 9728 metadata (named by a 401's
   * `resource_metadata`, else the well-known path) before any token goes there.
   * @default false
   */
  discover?: boolean;
  /** Reads a token handed back by the server; it is verified before the response reaches the caller. */
  responseToken?: (response: Response) => MaybePromise<TokenResult>;
  /** Told of every token that verified after a refresh or from a response. */
  onToken?: (verified: VerifiedToken) => MaybePromise<void>;
  /**
   * Sender-constrained tokens (RFC 9449): each allowed request carries a fresh proof from this
   * key, a token bound to it goes as `Authorization: DPoP`, and one bound to another key is never
   * sent. From `createDpop()`.
   */
  dpop?: Pick<Dpop, 'jkt' | 'proof' | 'learnNonce'>;
}

/** A verified token about to be sent, and whether it is bound to the DPoP key. */
export interface Sendable {
  token: string;
  bound: boolean;
}

/** The verify-before-send logic, independent of the HTTP client. */
export interface Attacher {
  allows(url: string): boolean;
  /** Where a request goes and which resource it belongs to; undefined: it gets no token. */
  target(url: string): Target | undefined;
  /** The verified token to send, or undefined for a logged-out user; rejects with the VerificationError. */
  tokenToSend(target: Target): Promise<Sendable | undefined>;
  /**
   * One refresh per resource (and scopes) shared by every caller waiting at the time; rejects
   * if it yields nothing usable. `scopes` are needed on top of the resource's own.
   */
  refreshed(target: Target, scopes?: string[]): Promise<Sendable | undefined>;
  /** Copies the request with its `Authorization` (and with `dpop`, a fresh `DPoP` proof). */
  authorize(request: Request, sent: Sendable | undefined): Promise<Request>;
  /**
   * With `dpop`: learns the response's `DPoP-Nonce`, and says whether the server asked for it
   * (`use_dpop_nonce`), so the request is worth one retry with a new proof.
   */
  wantsNonce(response: Response, requestUrl: string): Promise<boolean>;
  /**
   * Verifies a token the response hands back (the MITM check), then calls `onToken`; only when
   * the response really came from an allowed origin (after redirects), so a foreign server's
   * validly signed token (the attacker's own account) can never be swapped in.
   */
  checkResponse(response: Response, requestUrl: string): Promise<void>;
  /**
   * With `discover`: the target a 401 to a request of no known resource names through its
   * RFC 9728 metadata, or undefined; rejects with ERR_RESOURCE_MISMATCH for a bad document.
   */
  learn(response: Response, to: Target): Promise<Target | undefined>;
  readonly canRefresh: boolean;
  /** Whether `learn` may find anything (`discover: true`). */
  readonly discovers: boolean;
}

const absent = (token: TokenResult): token is null | undefined | '' =>
  token === undefined || token === null || token === '';

/** Checks the options (TypeError at creation) and builds the shared logic. */
export function createAttacher(
  options: VerifiedTokenOptions,
  caller: string,
  fetch?: FetchLike,
): Attacher {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${caller} needs an options object`);
  const { verifier, getToken, refresh, responseToken, onToken, dpop } = options;
  if (typeof verifier?.verify !== 'function')
    throw new TypeError(`${caller}: "verifier" must come from createVerifier()`);
  if (typeof getToken !== 'function')
    throw new TypeError(`${caller}: "getToken" must be a function`);
  for (const [name, value] of Object.entries({ refresh, responseToken, onToken })) {
    if (value !== undefined && typeof value !== 'function')
      throw new TypeError(`${caller}: "${name}" must be a function`);
  }
  if (
    dpop !== undefined &&
    (typeof dpop?.proof !== 'function' ||
      typeof dpop.jkt !== 'string' ||
      typeof dpop.learnNonce !== 'function')
  )
    throw new TypeError(`${caller}: "dpop" must come from createDpop()`);
  const resources = readResources(options.resources, caller);
  const origins = allowedOriginsOf(options.allowedOrigins, caller, resources.length > 0);
  if (options.discover !== undefined && typeof options.discover !== 'boolean')
    throw new TypeError(`${caller}: "discover" must be true or false`);
  const discovery = options.discover === true ? createDiscovery(fetch) : undefined;
  const refreshing = new Map<string, Promise<Sendable | undefined>>();
  const target = (url: string): Target | undefined =>
    targetOf(url, resources, (origin) => origins.has(origin), discovery?.fresh());
  const allows = (url: string): boolean => target(url) !== undefined;

  // With DPoP, a token bound to another key fails like any other bad token (RFC 9449 §6); a
  // token minted for another resource is never sent to this one (RFC 8707).
  const check = async (
    token: string,
    to: Target | undefined,
    scopes?: string[],
  ): Promise<[VerifiedToken, Sendable]> => {
    const verified = await verifier.verify(token);
    if (to?.entry !== undefined) checkFits(verified.payload, to.entry, scopes);
    const bound = dpop === undefined ? false : checkBoundTo(verified.payload, dpop.jkt);
    return [verified, { token, bound }];
  };

  const accept = async (token: string, to?: Target, scopes?: string[]): Promise<Sendable> => {
    const [verified, sendable] = await check(token, to, scopes);
    await onToken?.(verified);
    return sendable;
  };

  // The proof's `iat` on the issuer's clock, so `clockSkew: 'auto'` corrects proofs too.
  const issuerNow = issuerTimeOf(verifier) ?? Date.now;

  const refreshed = (to: Target, extra?: string[]): Promise<Sendable | undefined> => {
    if (refresh === undefined) return Promise.resolve(undefined);
    const context = contextOf(to.url, to.entry, extra);
    const key = `${context.resource ?? ''} ${context.scopes?.join(' ') ?? ''}`;
    let shared = refreshing.get(key);
    if (shared === undefined) {
      shared = (async () => {
        try {
          const token = await refresh(context);
          return absent(token) ? undefined : await accept(token, to, context.scopes);
        } finally {
          refreshing.delete(key);
        }
      })();
      refreshing.set(key, shared);
    }
    return shared;
  };

  return {
    canRefresh: refresh !== undefined,
    discovers: discovery !== undefined,
    allows,
    target,
    async tokenToSend(to) {
      // RFC 9728: an origin to discover gets no token until its resource is known.
      if (discovery !== undefined && to.entry === undefined) return undefined;
      const token = await getToken(contextOf(to.url, to.entry));
      if (absent(token)) return refreshed(to);
      try {
        return (await check(token, to))[1];
      } catch (error) {
        if (refresh === undefined || !isVerificationError(error)) throw error;
        const fresh = await refreshed(to);
        if (fresh === undefined) throw error; // nothing better came back: the original reason stands
        return fresh;
      }
    },
    refreshed,
    async learn(response, to) {
      if (discovery === undefined || to.entry !== undefined) return undefined;
      const entry = await discovery.learn(response, to.url);
      return entry === undefined ? undefined : { url: to.url, entry };
    },
    async authorize(request, sent) {
      if (dpop === undefined || (sent !== undefined && !sent.bound))
        return withAuthorization(request, sent?.token);
      const proof = await dpop.proof({
        method: request.method,
        url: request.url,
        iat: Math.floor(issuerNow() / 1000),
        ...(sent === undefined ? {} : { accessToken: sent.token }),
      });
      return withAuthorization(request, sent?.token, proof);
    },
    async wantsNonce(response, requestUrl) {
      if (dpop === undefined) return false;
      dpop.learnNonce(response.url || requestUrl, response.headers);
      return response.headers.has('dpop-nonce') && (await saysUseDpopNonce(response));
    },
    async checkResponse(response, requestUrl) {
      // A constructed Response has no url; then the request's is the only one there is.
      if (responseToken === undefined || !allows(response.url || requestUrl)) return;
      const token = await responseToken(response);
      if (!absent(token)) await accept(token);
    },
  };
}

function allowedOriginsOf(value: unknown, caller: string, withResources: boolean): Set<string> {
  // With resources, the entries say where tokens go; the page's origin is not added unasked.
  if (value === undefined && withResources) return new Set();
  if (value === undefined) {
    const origin = (globalThis as { location?: { origin?: unknown } }).location?.origin;
    if (typeof origin === 'string' && origin !== 'null') return new Set([origin]);
    throw new TypeError(
      `${caller}: "allowedOrigins" is required outside a browser, e.g. allowedOrigins: ['https://api.example.com']`,
    );
  }
  if (!Array.isArray(value))
    throw new TypeError(`${caller}: "allowedOrigins" must be an array of origins`);
  return new Set(
    value.map((entry) => {
      const origin = typeof entry === 'string' ? originOf(entry) : undefined;
      const bare = typeof entry === 'string' ? entry.replace(/\/$/, '') : '';
      if (origin === undefined || origin !== bare) {
        throw new TypeError(
          `${caller}: ${JSON.stringify(entry)} is not an origin such as 'https://api.example.com'`,
        );
      }
      return origin;
    }),
  );
}

function originOf(url: string): string | undefined {
  try {
    const { origin, protocol } = new URL(url);
    return origin !== 'null' && (protocol === 'https:' || protocol === 'http:')
      ? origin
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * RFC 6750 §3.1 (and RFC 9449 §7.1 for the DPoP scheme): the server says the token itself is bad
 * (not merely missing or short of scope).
 */
export function saysInvalidToken(response: Response): boolean {
  if (response.status !== 401) return false;
  const challenge = response.headers.get('www-authenticate') ?? '';
  return (
    /^\s*(bearer|dpop)\b/i.test(challenge) && /\berror\s*=\s*"?invalid_token"?/i.test(challenge)
  );
}

/**
 * Copies a request with the token set (or any Authorization removed when there is none); with a
 * proof, the token goes with the DPoP scheme and the proof in the one `DPoP` header.
 */
export function withAuthorization(
  request: Request,
  token: string | undefined,
  proof?: string,
): Request {
  const headers = new Headers(request.headers);
  headers.delete('dpop');
  if (token === undefined) headers.delete('authorization');
  else headers.set('authorization', `${proof === undefined ? 'Bearer' : 'DPoP'} ${token}`);
  if (proof !== undefined) headers.set('dpop', proof);
  return new Request(request, { headers });
}

/** What a request was sent with, read back from its headers (for a retry with a new proof). */
export function sentWith(request: Request): Sendable | undefined {
  const match = /^(Bearer|DPoP) (.+)$/.exec(request.headers.get('authorization') ?? '');
  return match === null ? undefined : { token: match[2]!, bound: match[1] === 'DPoP' };
}
