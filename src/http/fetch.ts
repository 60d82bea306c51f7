import { createAttacher, saysInvalidToken, type VerifiedTokenOptions } from './attach.js';
import { secondTry } from './second-try.js';

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
 * With `dpop`, each call to an allowed origin carries a fresh proof; a `use_dpop_nonce` answer
 * is retried once with the server's nonce, body included.
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
  // Checked here too: `fetch` is read before createAttacher checks the rest.
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createFetch needs an options object');
  const inner =
    options.fetch ??
    ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  if (typeof inner !== 'function') throw new TypeError('createFetch: "fetch" must be a function');
  const attacher = createAttacher(options, 'createFetch', inner);
  const withDpop = options.dpop !== undefined;

  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const target = attacher.target(request.url);
    if (target === undefined) return inner(request);
    const sent = await attacher.tokenToSend(target);
    // Kept unsent so a retry (a 401, or a nonce the server asks for) can resend the body.
    const spare =
      withDpop || attacher.canRefresh || attacher.discovers ? request.clone() : undefined;
    let response = await inner(await attacher.authorize(request, sent));
    if (spare !== undefined && (await attacher.wantsNonce(response, request.url))) {
      await response.body?.cancel();
      response = await inner(await attacher.authorize(spare.clone(), sent));
      await attacher.wantsNonce(response, request.url);
    }
    if (spare !== undefined && sent !== undefined && saysInvalidToken(response)) {
      const fresh = await attacher.refreshed(target);
      if (fresh !== undefined) {
        await response.body?.cancel();
        response = await inner(await attacher.authorize(spare, fresh));
      }
    } else if (spare !== undefined) {
      // RFC 9728 discovery or an insufficient_scope step-up: one more try, answered as it is.
      const next = await secondTry(attacher, response, target, sent);
      if (next !== undefined) {
        await response.body?.cancel();
        response = await inner(await attacher.authorize(spare, next));
      }
    }
    await attacher.checkResponse(response, request.url);
    return response;
  };
}
