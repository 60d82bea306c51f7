import type { PublicJwk } from '../lib/jwk.js';

// The members that make up a public key of each type: RFC 7638 §3.2, the thumbprint's own list.
const MEMBERS = new Map<string, readonly ('crv' | 'e' | 'n' | 'x' | 'y')[]>([
  ['RSA', ['n', 'e']],
  ['EC', ['crv', 'x', 'y']],
  ['OKP', ['crv', 'x']],
]);

/**
 * The key with only its public members. A provider imports nothing else: `alg`, `use`,
 * `key_ops` and `ext` were judged by the key guard already, and WebCrypto refuses a key over
 * them (a `key_ops` of ["sign", "verify"], an `alg` spelt for another hash) with a raw
 * DOMException.
 */
export function publicMembers(jwk: PublicJwk): JsonWebKey {
  const out: JsonWebKey = { kty: jwk.kty };
  for (const name of MEMBERS.get(jwk.kty) ?? []) {
    const value = jwk[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
