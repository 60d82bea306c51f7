import { VerificationError } from '../lib/errors.js';
import { fetchFailed } from '../lib/map-error.js';
import { JWKS_ACCEPT, parseJsonDocument } from './jwks.js';
import {
  LOADER,
  remotePolicy,
  toUrl,
  type DiscoveryKeySource,
  type ReadDocument,
  type RemoteKeys,
  type RemoteSourceOptions,
} from './source.js';
import type { SourceMeta } from '../stores/types.js';
import { refuseExposed } from './plain-http.js';
import { readTrust } from './trust.js';

/**
 * Keys found through OpenID Connect discovery: `{issuer}/.well-known/openid-configuration`
 * names the `jwks_uri`. A document whose `issuer` is not exactly `issuerUrl` is refused
 * (OpenID Connect Discovery §4.3), and a verifier using this source checks `iss` against
 * `issuerUrl` unless told otherwise.
 *
 * @example
 * const verifier = createVerifier({ keys: discovery('https://accounts.example.com'), audience: 'my-spa' });
 */
export function discovery(
  issuerUrl: string,
  options: RemoteSourceOptions = {},
): DiscoveryKeySource {
  if (typeof issuerUrl !== 'string')
    throw new TypeError('discovery(issuerUrl) needs the issuer URL as a string');
  const issuer = issuerUrl;
  const at = toUrl(issuer, 'discovery()');
  const documentUrl = `${at.href.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const policy = remotePolicy(options, 'discovery()');
  const { guarded } = readTrust(policy, at, 'discovery()');
  const remote: RemoteKeys = {
    ...policy,
    accept: JWKS_ACCEPT,
    locate: (read) => locateKeys(issuer, documentUrl, read, guarded),
    parse: async (response, from) => parseJsonDocument(response, from).keys,
  };
  return { kind: 'discovery', id: `discovery:${issuer}`, issuer, [LOADER]: { remote } };
}

async function locateKeys(
  issuer: string,
  documentUrl: string,
  read: ReadDocument,
  guarded: boolean,
): Promise<{ url: string; meta: SourceMeta }> {
  const document = parseJsonDocument(await read(documentUrl, 'application/json'), documentUrl);
  if (document.issuer !== issuer) {
    throw new VerificationError(
      'ERR_KEY_INVALID',
      `The discovery document at ${documentUrl} names issuer ${JSON.stringify(document.issuer)}, not ${JSON.stringify(issuer)}. ` +
        'Pass the issuer exactly as the provider spells it (trailing slash included).',
    );
  }
  const algs = document.id_token_signing_alg_values_supported;
  const meta: SourceMeta =
    Array.isArray(algs) && algs.every((a) => typeof a === 'string')
      ? { issuer, idTokenSigningAlgs: algs }
      : { issuer };
  return { url: jwksUriOf(document, issuer, documentUrl, guarded), meta };
}

function jwksUriOf(
  document: Record<string, unknown>,
  issuer: string,
  documentUrl: string,
  guarded: boolean,
): string {
  const value = document.jwks_uri;
  let url: URL | undefined;
  try {
    if (typeof value === 'string') url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined) throw fetchFailed(documentUrl, 'the document has no valid "jwks_uri"');
  // Keys over plain HTTP only for an issuer that is itself plain HTTP (local development).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && issuer.startsWith('http:'))) {
    throw new VerificationError(
      'ERR_KEY_INVALID',
      `The discovery document's jwks_uri ${url.href} is not https.`,
    );
  }
  refuseExposed(url, guarded, documentUrl);
  return url.href;
}
