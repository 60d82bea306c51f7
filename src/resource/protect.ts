import { isVerificationError } from '../lib/errors.js';
import type { TokenPayload } from '../token/compact.js';
import { decode } from '../token/decode.js';
import { dpopInvalid } from '../dpop/errors.js';
import type { DpopVerifier } from '../dpop/verifier.js';
import type { Verifier, VerifiedToken } from '../verify/verifier.js';
import { refusalResponse, type ChallengeSetting, type Refusal } from './challenge.js';
import { credentialsOf } from './credentials.js';
import { metadataDocument, metadataResponse, metadataUrlOf } from './metadata.js';

/** Options of {@link protectResource}. */
export interface ProtectResourceOptions {
  /** This API's resource identifier (RFC 8707, RFC 9728 `resource`): an absolute https URL. */
  resource: string;
  /** Verifies the access token; its `audience` must be `resource`. */
  verifier: Pick<Verifier, 'verify'>;
  /** The issuers whose tokens this API takes, published as `authorization_servers`. */
  authorizationServers: string[];
  /** Scopes every request needs, published as `scopes_supported`. @default [] */
  scopes?: string[];
  /** DPoP-bound tokens are checked with this verifier (from `createDpopVerifier`). */
  dpop?: Pick<DpopVerifier, 'verify' | 'algorithms'>;
  /** Whether plain bearer tokens are taken. @default true without `dpop`, false with it */
  bearer?: boolean;
}

/** What one call of a protected route needs on top of the resource's own scopes. */
export interface ProtectChecks {
  /** Scopes this route needs on top of the resource-wide `scopes` (all required). */
  scopes?: string[];
}

/** The outcome of {@link protectResource}: the verified token, or the answer to send. */
export type ProtectResult =
  | {
      /** The request may go on. */
      ok: true;
      /** The verified access token; with DPoP, `jkt` is the proof key's thumbprint. */
      token: VerifiedToken & {
        /** RFC 7638 thumbprint of the DPoP proof key, for a DPoP-bound token. */
        jkt?: string;
      };
    }
  | {
      /** The request is refused. */
      ok: false;
      /** The answer to send as it is (400, 401 or 403 with its `WWW-Authenticate`). */
      response: Response;
    };

/** What `protectResource` returns: call it per request. */
export interface ProtectedResource {
  (request: Request, checks?: ProtectChecks): Promise<ProtectResult>;
  /** The RFC 9728 metadata answer for its well-known URL, or undefined for any other request. */
  metadata(request: Request): Response | undefined;
  /** Where the metadata is served (named in every challenge). */
  readonly metadataUrl: string;
}

const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Guards an API (the resource server's half): answers refused requests exactly as RFC 6750 §3,
 * RFC 9728 §5.1 and RFC 9449 §7.1 say — 401 with a bare challenge when there are no
 * credentials, 401 `invalid_token` (`error_description` the tokenward code), 403
 * `insufficient_scope` with every scope the route needs, 400 `invalid_request` for a malformed
 * or repeated `Authorization` — each naming the metadata URL, with `Cache-Control: no-store`.
 *
 * Security: no answer ever carries the token. With `dpop`, a DPoP-bound token needs its proof;
 * sent as Bearer it is refused (RFC 9449 §7.2).
 *
 * @example
 * const protect = protectResource({
 *   resource: 'https://api.example.com',
 *   verifier: createAccessTokenVerifier({ issuer, audience: 'https://api.example.com' }),
 *   authorizationServers: [issuer],
 * });
 * export default {
 *   async fetch(request) {
 *     const metadata = protect.metadata(request);
 *     if (metadata) return metadata;
 *     const result = await protect(request, { scopes: ['files:write'] });
 *     if (!result.ok) return result.response;
 *     return Response.json({ hello: result.token.payload.sub });
 *   },
 * };
 */
export function protectResource(options: ProtectResourceOptions): ProtectedResource {
  const settings = readOptions(options);
  const { verifier, dpop, scopes: resourceScopes } = settings;
  const document = metadataDocument(settings);
  const metadataPath = new URL(settings.setting.metadataUrl).pathname;
  const refuse = (refusal: Refusal) => ({
    ok: false as const,
    response: refusalResponse(refusal, settings.setting),
  });

  const protect = async (request: Request, checks: ProtectChecks = {}): Promise<ProtectResult> => {
    const needed = [...new Set([...resourceScopes, ...routeScopes(checks)])];
    const presented = credentialsOf(request.headers);
    if (presented.kind === 'none') return refuse({ status: 401 });
    if (presented.kind === 'malformed')
      return refuse({ status: 400, error: 'invalid_request', description: presented.why });
    const { scheme } = presented;
    const errorScheme = settings.setting.bearer ? scheme : 'dpop';
    if (scheme === 'dpop' ? dpop === undefined : !settings.setting.bearer) {
      // RFC 6750 §3.1: an unsupported method is no credentials; but RFC 9449 §7.2 refuses a
      // DPoP-bound token sent as Bearer outright.
      if (scheme === 'dpop' || !looksBound(presented.token)) return refuse({ status: 401 });
      return refuse({
        status: 401,
        error: 'invalid_token',
        description: 'ERR_DPOP_INVALID',
        scheme: 'dpop',
      });
    }
    let token: VerifiedToken & { jkt?: string };
    try {
      token = scheme === 'dpop' ? await dpop!.verify(request) : await bearer(presented.token);
    } catch (error) {
      if (!isVerificationError(error)) throw error;
      return refuse(refusalFor(error, errorScheme));
    }
    if (!grants(token.payload, needed))
      return refuse({ status: 403, error: 'insufficient_scope', scope: needed, scheme });
    return { ok: true, token };
  };

  // RFC 9449 §7.2: a token bound to a key goes only with that key's proof, never as Bearer.
  const bearer = async (token: string): Promise<VerifiedToken> => {
    const verified = await verifier.verify(token);
    if (isBound(verified.payload))
      throw dpopInvalid(
        'cnf',
        'A DPoP-bound token was sent as Bearer: send it as DPoP with a proof.',
      );
    return verified;
  };

  return Object.assign(protect, {
    metadata: (request: Request) => metadataResponse(request, metadataPath, document),
    metadataUrl: settings.setting.metadataUrl,
  });
}

function refusalFor(
  error: { code: string; claim?: string; nonce?: string },
  scheme: 'bearer' | 'dpop',
): Refusal {
  if (error.code === 'ERR_DPOP_NONCE_REQUIRED')
    return {
      status: 401,
      error: 'use_dpop_nonce',
      description: error.code,
      scheme: 'dpop',
      ...(error.nonce === undefined ? {} : { nonce: error.nonce }),
    };
  // RFC 9449 §7.1: a bad proof is invalid_dpop_proof; a token not bound to it is invalid_token.
  const proof = error.code === 'ERR_DPOP_INVALID' && scheme === 'dpop' && error.claim !== 'cnf';
  return {
    status: 401,
    error: proof ? 'invalid_dpop_proof' : 'invalid_token',
    description: error.code,
    scheme,
  };
}

function looksBound(token: string): boolean {
  try {
    return isBound(decode(token).payload);
  } catch {
    return false;
  }
}

function isBound(payload: TokenPayload): boolean {
  const { cnf } = payload as { cnf?: unknown };
  return typeof cnf === 'object' && cnf !== null && 'jkt' in cnf;
}

function grants(payload: TokenPayload, needed: readonly string[]): boolean {
  if (needed.length === 0) return true;
  const granted = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []);
  return needed.every((scope) => granted.has(scope));
}

function routeScopes(checks: ProtectChecks): string[] {
  if (typeof checks !== 'object' || checks === null)
    throw new TypeError('protect(request, checks): checks must be an object');
  return scopesOf(checks.scopes, 'protect(request, { scopes })');
}

function scopesOf(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && SCOPE.test(s)))
    throw new TypeError(`${what} must be an array of scope names (no spaces: ['read', 'write'])`);
  return value as string[];
}

function readOptions(options: ProtectResourceOptions) {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('protectResource(options) needs an options object');
  const { resource, verifier, authorizationServers, dpop } = options;
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new TypeError(
      'protectResource: "resource" must be an absolute URL such as https://api.example.com',
    );
  }
  if (typeof verifier?.verify !== 'function')
    throw new TypeError('protectResource: "verifier" must come from createAccessTokenVerifier()');
  if (
    !Array.isArray(authorizationServers) ||
    !authorizationServers.every((s) => typeof s === 'string' && s !== '')
  )
    throw new TypeError('protectResource: "authorizationServers" must be an array of issuer URLs');
  if (dpop !== undefined && (typeof dpop?.verify !== 'function' || !Array.isArray(dpop.algorithms)))
    throw new TypeError('protectResource: "dpop" must come from createDpopVerifier()');
  if (options.bearer !== undefined && typeof options.bearer !== 'boolean')
    throw new TypeError('protectResource: "bearer" must be true or false');
  const bearer = options.bearer ?? dpop === undefined;
  if (!bearer && dpop === undefined)
    throw new TypeError('protectResource: "bearer: false" needs "dpop", or no token could pass');
  const setting: ChallengeSetting = {
    metadataUrl: metadataUrlOf(url),
    bearer,
    dpopAlgorithms: dpop?.algorithms,
  };
  return {
    resource,
    verifier,
    dpop,
    setting,
    authorizationServers,
    scopes: scopesOf(options.scopes, 'protectResource: "scopes"'),
    dpopAlgorithms: dpop?.algorithms,
    bearer,
  };
}
