import { fetchFailed } from '../lib/map-error.js';
import {
  LOADER,
  remotePolicy,
  toUrl,
  type KeySource,
  type RemoteKeys,
  type RemoteSourceOptions,
} from './source.js';
import type { KeyResponse } from './policy.js';
import { readTrust } from './trust.js';

/** Media types a JWK Set is served as (RFC 7517 §8.5; plain JSON in practice). */
export const JWKS_ACCEPT = 'application/jwk-set+json, application/json;q=0.9';

/**
 * Keys from a remote JSON Web Key Set (RFC 7517), fetched with the platform `fetch` (or the
 * `fetch` / `ky` option) and cached.
 *
 * @example
 * const verifier = createVerifier({
 *   keys: jwks('https://idp.example.com/.well-known/jwks.json', { maxAge: '10m' }),
 *   issuer: 'https://idp.example.com',
 *   audience: 'my-spa',
 * });
 */
export function jwks(url: string | URL, options: RemoteSourceOptions = {}): KeySource {
  const at = toUrl(url, 'jwks()');
  const target = at.href;
  const policy = remotePolicy(options, 'jwks()');
  readTrust(policy, at, 'jwks()');
  const remote: RemoteKeys = {
    ...policy,
    accept: JWKS_ACCEPT,
    locate: async () => ({ url: target }),
    parse: async (response, from) => parseJsonDocument(response, from).keys,
  };
  return { kind: 'jwks', id: `jwks:${target}`, [LOADER]: { remote } };
}

/** Parses a JSON key document (JWKS or discovery); anything else is a failed fetch. */
export function parseJsonDocument(response: KeyResponse, url: string): Record<string, unknown> {
  const type = response.contentType.split(';')[0]!.trim();
  if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
    throw fetchFailed(url, `the answer is ${type}, not JSON`);
  }
  let value: unknown;
  try {
    value = JSON.parse(response.body);
  } catch (cause) {
    throw fetchFailed(url, 'the answer is not valid JSON', cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fetchFailed(url, 'the answer is not a JSON object');
  }
  return value as Record<string, unknown>;
}
