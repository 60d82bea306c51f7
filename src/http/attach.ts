import { isVerificationError } from '../errors.js';
import type { Verifier, VerifiedToken } from '../verifier.js';

type MaybePromise<T> = T | Promise<T>;
/** A token, or nothing (`undefined`, `null`, `''`) for a logged-out user. */
export type TokenResult = string | null | undefined;

/** Options shared by `withVerifiedToken`, `verifiedTokenHooks` and `createFetch`. */
export interface VerifiedTokenOptions {
  /** The verifier every token passes before it is sent or stored. */
  verifier: Pick<Verifier, 'verify'>;
  /** The current token, sync or async. Nothing means: send the request without `Authorization`. */
  getToken: () => MaybePromise<TokenResult>;
  /** A fresh token, used once when the current one fails or the server answers 401 invalid_token. */
  refresh?: () => MaybePromise<TokenResult>;
  /**
   * Origins (scheme, host, port) that may receive the token, compared exactly.
   * @default [location.origin] in a browser; required elsewhere
   */
  allowedOrigins?: string[];
  /** Reads a token handed back by the server; it is verified before the response reaches the caller. */
  responseToken?: (response: Response) => MaybePromise<TokenResult>;
  /** Told of every token that verified after a refresh or from a response. */
  onToken?: (verified: VerifiedToken) => MaybePromise<void>;
}

/** The verify-before-send logic, independent of the HTTP client. */
export interface Attacher {
  allows(url: string): boolean;
  /** The verified token to send, or undefined for a logged-out user; rejects with the VerificationError. */
  tokenToSend(): Promise<string | undefined>;
  /** One refresh shared by every caller waiting at the time; rejects if it yields nothing usable. */
  refreshed(): Promise<string | undefined>;
  /**
   * Verifies a token the response hands back (the MITM check), then calls `onToken`; only when
   * the response really came from an allowed origin (after redirects), so a foreign server's
   * validly signed token (the attacker's own account) can never be swapped in.
   */
  checkResponse(response: Response, requestUrl: string): Promise<void>;
  readonly canRefresh: boolean;
}

const absent = (token: TokenResult): token is null | undefined | '' =>
  token === undefined || token === null || token === '';

/** Checks the options (TypeError at creation) and builds the shared logic. */
export function createAttacher(options: VerifiedTokenOptions, caller: string): Attacher {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${caller} needs an options object`);
  const { verifier, getToken, refresh, responseToken, onToken } = options;
  if (typeof verifier?.verify !== 'function')
    throw new TypeError(`${caller}: "verifier" must come from createVerifier()`);
  if (typeof getToken !== 'function')
    throw new TypeError(`${caller}: "getToken" must be a function`);
  for (const [name, value] of Object.entries({ refresh, responseToken, onToken })) {
    if (value !== undefined && typeof value !== 'function')
      throw new TypeError(`${caller}: "${name}" must be a function`);
  }
  const origins = allowedOriginsOf(options.allowedOrigins, caller);
  let refreshing: Promise<string | undefined> | undefined;
  const allows = (url: string): boolean => {
    const origin = originOf(url);
    return origin !== undefined && origins.has(origin);
  };

  const accept = async (token: string): Promise<string> => {
    const verified = await verifier.verify(token);
    await onToken?.(verified);
    return token;
  };

  const refreshed = (): Promise<string | undefined> => {
    if (refresh === undefined) return Promise.resolve(undefined);
    refreshing ??= (async () => {
      try {
        const token = await refresh();
        return absent(token) ? undefined : await accept(token);
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };

  return {
    canRefresh: refresh !== undefined,
    allows,
    async tokenToSend() {
      const token = await getToken();
      if (absent(token)) return refreshed();
      try {
        await verifier.verify(token);
        return token;
      } catch (error) {
        if (refresh === undefined || !isVerificationError(error)) throw error;
        const fresh = await refreshed();
        if (fresh === undefined) throw error; // nothing better came back: the original reason stands
        return fresh;
      }
    },
    refreshed,
    async checkResponse(response, requestUrl) {
      // A constructed Response has no url; then the request's is the only one there is.
      if (responseToken === undefined || !allows(response.url || requestUrl)) return;
      const token = await responseToken(response);
      if (!absent(token)) await accept(token);
    },
  };
}

function allowedOriginsOf(value: unknown, caller: string): Set<string> {
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

/** RFC 6750 §3.1: the server says the token itself is bad (not merely missing or short of scope). */
export function saysInvalidToken(response: Response): boolean {
  if (response.status !== 401) return false;
  const challenge = response.headers.get('www-authenticate') ?? '';
  return /^\s*bearer\b/i.test(challenge) && /\berror\s*=\s*"?invalid_token"?/i.test(challenge);
}

/** Copies a request with the token set (or any Authorization removed when there is none). */
export function withAuthorization(request: Request, token: string | undefined): Request {
  const headers = new Headers(request.headers);
  if (token === undefined) headers.delete('authorization');
  else headers.set('authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}
