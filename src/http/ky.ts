import defaultKy, { type Hooks, type KyInstance } from 'ky';
import {
  createAttacher,
  saysInvalidToken,
  withAuthorization,
  type VerifiedTokenOptions,
} from './attach.js';

/**
 * The verify-before-send behaviour as ky hooks, for `ky.create({ hooks })`.
 * A 401 with `WWW-Authenticate: Bearer error="invalid_token"` refreshes once and retries
 * through `ky.retry()`, so it needs ky's retry limit of at least 1 (the default is 2).
 *
 * @example
 * const api = ky.create({ prefix: 'https://api.example.com', hooks: verifiedTokenHooks({ verifier, getToken }) });
 */
export function verifiedTokenHooks(
  options: VerifiedTokenOptions,
  ky: Pick<KyInstance, 'retry'> = defaultKy,
): Hooks {
  const attacher = createAttacher(options, 'verifiedTokenHooks');
  return {
    beforeRequest: [
      async ({ request }) => {
        if (!attacher.allows(request.url)) return undefined;
        const token = await attacher.tokenToSend();
        if (token === undefined) return undefined;
        return withAuthorization(request, token);
      },
    ],
    afterResponse: [
      async ({ request, response, retryCount }) => {
        if (!attacher.allows(request.url)) return undefined;
        const sentToken = request.headers.get('authorization')?.startsWith('Bearer ') === true;
        if (retryCount === 0 && sentToken && attacher.canRefresh && saysInvalidToken(response)) {
          const fresh = await attacher.refreshed();
          if (fresh !== undefined)
            return ky.retry({ request: withAuthorization(request, fresh), delay: 0 });
        }
        await attacher.checkResponse(response);
        return undefined;
      },
    ],
  };
}

/**
 * Extends a ky instance so every request to an allowed origin carries a verified token.
 *
 * Security: a token that fails verification, even after `refresh`, is never sent: the request
 * rejects with the `VerificationError`. Other origins never see the token.
 *
 * @example
 * import ky from 'ky';
 * import { withVerifiedToken } from 'tokenward/ky';
 *
 * const api = withVerifiedToken(ky.create({ prefix: 'https://api.example.com' }), {
 *   verifier,
 *   getToken: () => session.accessToken,
 *   refresh: () => session.refresh(),
 *   allowedOrigins: ['https://api.example.com'],
 * });
 * const me = await api.get('me').json();
 */
export function withVerifiedToken(instance: KyInstance, options: VerifiedTokenOptions): KyInstance {
  if (typeof instance?.extend !== 'function')
    throw new TypeError('withVerifiedToken(ky, options) needs a ky instance');
  return instance.extend({ hooks: verifiedTokenHooks(options, instance) });
}
