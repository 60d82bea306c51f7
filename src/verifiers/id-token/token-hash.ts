import { encodeBase64url } from '../../lib/base64url.js';

/** The hash OpenID Connect pairs with each JWS algorithm for at_hash and c_hash. */
function hashFor(alg: string): 'SHA-256' | 'SHA-384' | 'SHA-512' | undefined {
  if (alg === 'EdDSA' || alg === 'Ed25519' || alg.endsWith('512')) return 'SHA-512';
  if (alg.endsWith('384')) return 'SHA-384';
  if (alg.endsWith('256')) return 'SHA-256';
  return undefined;
}

/**
 * at_hash / c_hash (OpenID Connect Core §3.1.3.6, §3.3.2.11): the base64url of the left-most
 * half of the hash of the ASCII value, with the hash that matches the ID token's `alg`.
 */
export async function tokenHash(value: string, alg: string): Promise<string | undefined> {
  const hash = hashFor(alg);
  if (hash === undefined) return undefined;
  const digest = new Uint8Array(await crypto.subtle.digest(hash, new TextEncoder().encode(value)));
  return encodeBase64url(digest.slice(0, digest.length / 2));
}

/** Compares two strings in time that depends only on their lengths, not on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++)
    difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}
