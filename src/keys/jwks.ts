import { fetchKeyDocument, parseJsonDocument } from '../http/fetch-keys.js';
import {
  LOADER,
  remotePolicy,
  toUrl,
  type KeySource,
  type LoadRequest,
  type LoadResult,
  type RemoteSourceOptions,
} from './source.js';

/** Media types a JWK Set is served as (RFC 7517 §8.5; plain JSON in practice). */
export const JWKS_ACCEPT = 'application/jwk-set+json, application/json;q=0.9';

/**
 * Keys from a remote JSON Web Key Set (RFC 7517), fetched with ky and cached.
 *
 * @example
 * const verifier = createVerifier({
 *   keys: jwks('https://idp.example.com/.well-known/jwks.json', { maxAge: '10m' }),
 *   issuer: 'https://idp.example.com',
 *   audience: 'my-spa',
 * });
 */
export function jwks(url: string | URL, options: RemoteSourceOptions = {}): KeySource {
  const target = toUrl(url, 'jwks()').href;
  const remote = remotePolicy(options, 'jwks()');
  return {
    kind: 'jwks',
    id: `jwks:${target}`,
    [LOADER]: { remote, load: (request) => loadJwks(target, remote.fetch, request) },
  };
}

/** Fetches and parses one JWK Set; shared with `discovery()`. */
export async function loadJwks(
  url: string,
  policy: Parameters<typeof fetchKeyDocument>[1],
  request: LoadRequest,
): Promise<LoadResult> {
  const response = await fetchKeyDocument(
    { url, accept: JWKS_ACCEPT, etag: request.etag, bypassCache: request.bypassCache },
    policy,
    request.now,
  );
  if (response.date !== undefined)
    request.onDate?.(response.date, response.sentAt, response.receivedAt);
  if (response.notModified) return { notModified: true, maxAgeSeconds: response.maxAge };
  const document = parseJsonDocument(response, url);
  return {
    notModified: false,
    keys: document.keys,
    maxAgeSeconds: response.maxAge,
    etag: response.etag,
  };
}
