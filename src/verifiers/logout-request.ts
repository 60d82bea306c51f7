import { isVerificationError } from '../lib/errors.js';
import { readBounded } from '../lib/read-bounded.js';
import type { VerifiedLogout, LogoutTokenVerifier } from './logout-token.js';

/** The most of a request body read: a logout token is at most 16 KiB, the form adds little. */
export const MAX_LOGOUT_BODY = 32 * 1024;

/**
 * Answers an OpenID Connect back-channel logout request (Back-Channel Logout 1.0 §2.5, §2.8):
 * reads the `logout_token` form field of a POST, verifies it, calls `onLogout`, and answers
 * `200` with `Cache-Control: no-store`. A request that is not a form POST with exactly one
 * `logout_token`, a body over 32 KiB, or a token that fails verification gets `400` with a JSON
 * body `{ error: 'invalid_request', error_description }`; another method than POST gets `405`
 * (`Allow: POST`). Works with the `Request` of Workers, Deno, Bun and Node 20+.
 *
 * An error thrown by `onLogout` (or the replay store) is not the provider's fault and is
 * rethrown, for your framework to log and answer 500; the token's `jti` stays recorded.
 *
 * @example
 * // Cloudflare Worker, Deno.serve, Bun.serve: route POST /backchannel-logout here.
 * const logoutTokens = createLogoutTokenVerifier({ issuer, clientId });
 * export default {
 *   fetch: (request) =>
 *     handleLogoutRequest(request, logoutTokens, ({ sub, sid }) => sessions.end({ sub, sid })),
 * };
 */
export async function handleLogoutRequest(
  request: Request,
  logoutVerifier: LogoutTokenVerifier,
  onLogout?: (logout: VerifiedLogout) => void | Promise<void>,
): Promise<Response> {
  if (request.method !== 'POST') {
    return answer(405, 'The back-channel logout endpoint accepts POST only.', { allow: 'POST' });
  }
  const token = await readLogoutToken(request);
  if (typeof token !== 'string') return answer(400, token.problem);
  let logout: VerifiedLogout;
  try {
    logout = await logoutVerifier.verify(token);
  } catch (error) {
    if (!isVerificationError(error)) throw error;
    return answer(400, `${error.code}: ${error.message}`);
  }
  await onLogout?.(logout);
  return new Response(null, { status: 200, headers: { 'cache-control': 'no-store' } });
}

/** §2.5: an `application/x-www-form-urlencoded` POST body holding `logout_token`. */
async function readLogoutToken(request: Request): Promise<string | { problem: string }> {
  const type = request.headers.get('content-type') ?? '';
  if (type.split(';')[0]!.trim().toLowerCase() !== 'application/x-www-form-urlencoded')
    return { problem: 'Send the logout token as an application/x-www-form-urlencoded form.' };
  const body = await readBounded(request, { limit: MAX_LOGOUT_BODY }).catch(() => null);
  if (body === null) return { problem: 'The request body could not be read.' };
  if (body === undefined) return { problem: `The request body is over ${MAX_LOGOUT_BODY} bytes.` };
  const tokens = new URLSearchParams(body).getAll('logout_token');
  if (tokens.length !== 1 || tokens[0] === '')
    return { problem: 'The form must hold exactly one non-empty "logout_token".' };
  return tokens[0]!;
}

function answer(status: 400 | 405, description: string, headers: Record<string, string> = {}) {
  // §2.8: a JSON error body, and no caching of the answer.
  return new Response(
    JSON.stringify({ error: 'invalid_request', error_description: description }),
    {
      status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    },
  );
}
