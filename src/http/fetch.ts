import {
  createAttacher,
  saysInvalidToken,
  withAuthorization,
  type VerifiedTokenOptions,
} from './attach.js';

/** Options of {@link createFetch}: the shared options, plus the `fetch` to wrap. */
export interface VerifiedFetchOptions extends VerifiedTokenOptions {
  /** The fetch to wrap. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Wraps `fetch` so a token is verified before it is sent, and a token handed back is verified
 * before the app sees the response. For apps that do not use ky.
 *
 * Security: the token goes only to `allowedOrigins` (default: the page's own origin); a token
 * that fails verification, even after `refresh`, is never sent: the call rejects instead.
 *
 * @example
 * const apiFetch = createFetch({
 *   verifier,
 *   getToken: () => session.accessToken,
 *   allowedOrigins: ['https://api.example.com'],
 * });
 * const response = await apiFetch('https://api.example.com/me');
 */
export function createFetch(options: VerifiedFetchOptions): typeof fetch {
  const attacher = createAttacher(options, 'createFetch');
  const inner =
    options.fetch ??
    ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  if (typeof inner !== 'function') throw new TypeError('createFetch: "fetch" must be a function');

  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (!attacher.allows(request.url)) return inner(request);
    const token = await attacher.tokenToSend();
    // Kept unsent so a 401 retry can resend the body.
    const spare = attacher.canRefresh && token !== undefined ? request.clone() : undefined;
    let response = await inner(token === undefined ? request : withAuthorization(request, token));
    if (spare !== undefined && saysInvalidToken(response)) {
      const fresh = await attacher.refreshed();
      if (fresh !== undefined) {
        await response.body?.cancel();
        response = await inner(withAuthorization(spare, fresh));
      }
    }
    await attacher.checkResponse(response, request.url);
    return response;
  };
}
