import { encodeBase64url } from '../lib/base64url.js';
import type { SignatureProvider } from './provider.js';

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
export const THUMBPRINT_MEMBERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['EC', ['crv', 'kty', 'x', 'y']],
  ['OKP', ['crv', 'kty', 'x']],
  ['RSA', ['e', 'kty', 'n']],
]);
const encoder = new TextEncoder();

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK, base64url (DPoP's `jkt`, RFC 9449 §6), hashed
 * by `provider`. Throws a TypeError for a key type or member the RFC does not define.
 */
export async function jwkThumbprint(
  jwk: Readonly<Record<string, unknown>>,
  provider: SignatureProvider,
): Promise<string> {
  const members = THUMBPRINT_MEMBERS.get(jwk.kty as string);
  if (members === undefined) throw new TypeError('jwkThumbprint: unsupported key type');
  const required: Record<string, unknown> = {};
  for (const name of members) {
    if (typeof jwk[name] !== 'string') throw new TypeError(`jwkThumbprint: no "${name}" string`);
    required[name] = jwk[name];
  }
  // JSON.stringify keeps insertion order and writes no whitespace: RFC 7638 §3's exact form.
  const digest = await provider.digest('SHA-256', encoder.encode(JSON.stringify(required)));
  return encodeBase64url(digest);
}
