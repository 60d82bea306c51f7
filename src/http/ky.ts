import defaultKy, { type Hooks, type KyInstance } from 'ky';
import { createAttacher, saysInvalidToken, sentWith, type VerifiedTokenOptions } from './attach.js';
import { secondTry } from './second-try.js';

/**
 * The verify-before-send behaviour as ky hooks, for `ky.create({ hooks })`. Works with ky 2
 * and, at run time, ky 1.14+ (whose hooks take positional arguments).
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
  const withDpop = options.dpop !== undefined;
  const hooks = {
    beforeRequest: [
      async ({ request, retryCount }: HookState) => {
        const target = attacher.target(request.url);
        if (target === undefined) return undefined;
        // ky 1 runs beforeRequest again on retries: keep the token a 401 retry just set (with
        // DPoP, under a fresh proof: a proof is good for one request only).
        if (retryCount > 0 && request.headers.has('authorization'))
          return withDpop ? attacher.authorize(request, sentWith(request)) : undefined;
        const sent = await attacher.tokenToSend(target);
        if (sent === undefined && !withDpop) return undefined;
        return attacher.authorize(request, sent);
      },
    ],
    afterResponse: [
      async ({ request, response, retryCount }: HookState & { response: Response }) => {
        const target = attacher.target(request.url);
        if (target === undefined) return undefined;
        const sent = sentWith(request);
        if (retryCount === 0 && (await attacher.wantsNonce(response, request.url)))
          return ky.retry({ request: await attacher.authorize(request, sent), delay: 0 });
        if (
          retryCount === 0 &&
          sent !== undefined &&
          attacher.canRefresh &&
          saysInvalidToken(response)
        ) {
          const fresh = await attacher.refreshed(target);
          if (fresh !== undefined)
            return ky.retry({ request: await attacher.authorize(request, fresh), delay: 0 });
        }
        const next =
          retryCount === 0 ? await secondTry(attacher, response, target, sent) : undefined;
        if (next !== undefined)
          return ky.retry({ request: await attacher.authorize(request, next), delay: 0 });
        await attacher.checkResponse(response, request.url);
        return undefined;
      },
    ],
  };
  // ky 2 runs beforeRequest once, and its own retries (network errors, 5xx) through beforeRetry:
  // with DPoP each attempt needs a proof of its own (RFC 9449 §11.1: a jti is used once).
  const beforeRetry = async ({ request }: HookState) =>
    request.headers.has('dpop') && attacher.allows(request.url)
      ? attacher.authorize(request, sentWith(request))
      : undefined;
  return {
    beforeRequest: hooks.beforeRequest.map(acceptingBothKyStyles),
    afterResponse: hooks.afterResponse.map(acceptingBothKyStyles),
    ...(withDpop ? { beforeRetry: [acceptingBothKyStyles(beforeRetry)] } : {}),
  } as Hooks;
}

interface HookState {
  request: Request;
  response?: Response;
  retryCount: number;
}

/**
 * ky 2 calls hooks with one state object; ky 1.14 with (request, options, response?, { retryCount }).
 * Request is recognised by shape, not instanceof, so a polyfilled or foreign-realm one works too.
 */
function acceptingBothKyStyles<S extends HookState, R>(
  hook: (state: S) => R,
): (...args: unknown[]) => R {
  return (...args) => {
    const [first] = args as [{ url?: unknown; headers?: unknown; request?: unknown }];
    if (first?.request !== undefined) return hook(first as S);
    const response = args.length > 3 ? args[2] : undefined;
    const { retryCount = 0 } = (args.at(-1) ?? {}) as { retryCount?: number };
    return hook({ request: first, response, retryCount } as unknown as S);
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
