import { PUBLISH_PUBLIC_KEY_HINT, VerificationError } from '../lib/errors.js';
import type { PublicJwk } from '../lib/jwk.js';
import { decodeStrict } from '../lib/base64url.js';
import { canonicalMembers } from './key-members.js';
import { rsaKeyProblem } from './rsa-safety.js';

export type { PublicJwk };

/** Keys usable for verification, and the `kid`s of keys refused for a reason worth telling. */
export interface ScreenedKeys {
  keys: PublicJwk[];
  refused: Record<string, string>;
}

/** Minimum RSA modulus (NIST SP 800-131A; jose enforces the same for the RSA algorithms). */
export const MIN_RSA_BITS = 2048;

// RFC 7518 §6.2.2 / §6.3.2, RFC 8037 and RFC 9964 (AKP `priv`; `seed` as some write it): any
// of these means private key material.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'priv', 'seed'] as const;
const SIGNATURE_KTY = new Set(['RSA', 'EC', 'OKP', 'AKP']);
// FIPS 204 Table 2: the public key sizes of the ML-DSA parameter sets an AKP key's `alg` names.
const AKP_PUBLIC_BYTES = new Map([
  ['ML-DSA-44', 1312],
  ['ML-DSA-65', 1952],
  ['ML-DSA-87', 2592],
]);

function invalid(message: string): VerificationError {
  return new VerificationError('ERR_KEY_INVALID', message);
}

/**
 * Refuses private and symmetric material outright (the whole set: whoever publishes it has
 * leaked a secret) and keeps only public signature keys, their base64 members rewritten as
 * base64url. An entry that cannot be a key for us (not for signatures, a `kid` that is not a
 * string) is skipped, as jose and PyJWT skip it. A weak or unsafe key is left out and
 * remembered, so a token naming it gets a clear ERR_KEY_INVALID rather than "not found".
 */
export function screenKeySet(entries: unknown, where: string): ScreenedKeys {
  if (!Array.isArray(entries)) throw invalid(`${where} is not a JWK Set: "keys" must be an array.`);
  const keys: PublicJwk[] = [];
  // Null prototype: a kid such as "__proto__" is data here, never an object member.
  const refused: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw invalid(`${where} holds an entry that is not a JSON object.`);
    }
    assertPublic(entry as Record<string, unknown>, where);
    if (!isSignatureKey(entry as Record<string, unknown>)) continue;
    const jwk = canonicalMembers(entry as Record<string, unknown>);
    const unsafe = unsafeBecause(jwk);
    if (unsafe !== undefined) {
      // A kid-less key matches any kid, so its refusal is filed under '' for every token.
      refused[typeof jwk.kid === 'string' ? jwk.kid : ''] = unsafe;
      continue;
    }
    keys.push(jwk as unknown as PublicJwk);
  }
  return { keys, refused };
}

/** Why the key with this `kid` (or a kid-less key) was left out of the set, if one was. */
export function refusalOf(set: ScreenedKeys, kid: string | undefined): string | undefined {
  for (const name of kid === undefined ? [''] : [kid, '']) {
    if (Object.hasOwn(set.refused, name)) return set.refused[name];
  }
  return undefined;
}

// RFC 7518 §6.2.1.2 and RFC 8037 §2: each coordinate is exactly the curve's size, so a
// P-384-sized (or zero-padded) coordinate never passes as P-256. Whether the point is on its
// curve is WebCrypto's check at import (ERR_KEY_INVALID from `prepareKey`) in every runtime.
const COORDINATE_BYTES = new Map([
  ['P-256', 32],
  ['P-384', 48],
  ['P-521', 66],
  ['Ed25519', 32],
  ['Ed448', 57],
]);

/**
 * Why a public key must not verify anything: an RSA modulus under 2048 bits or what
 * {@link rsaKeyProblem} finds (unsafe exponent, ROCA); EC or OKP coordinates, or an AKP `pub`,
 * of the wrong size.
 */
export function unsafeBecause(jwk: Record<string, unknown>): string | undefined {
  if (jwk.kty === 'AKP') {
    const size = AKP_PUBLIC_BYTES.get(jwk.alg as string);
    return decodeStrict(jwk.pub)?.length === size
      ? undefined
      : `its public key "pub" is not the ${String(jwk.alg)} size (${size} bytes, base64url)`;
  }
  if (jwk.kty !== 'RSA') {
    const size = COORDINATE_BYTES.get(jwk.crv as string);
    const coordinates = jwk.kty === 'EC' ? [jwk.x, jwk.y] : [jwk.x];
    return size === undefined || coordinates.every((c) => decodeStrict(c)?.length === size)
      ? undefined
      : `its coordinates are not the ${String(jwk.crv)} size (${size} bytes, base64url)`;
  }
  const bits = rsaModulusBits(jwk.n);
  if (bits !== undefined && bits < MIN_RSA_BITS)
    return `it is a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are required`;
  return rsaKeyProblem(jwk.n, jwk.e);
}

/** Throws ERR_KEY_INVALID for private or symmetric JWK material. */
export function assertPublic(jwk: Record<string, unknown>, where: string): void {
  if (jwk.kty === 'oct' || jwk.k !== undefined) {
    throw invalid(
      `${where} holds a symmetric (kty "oct") key: shared secrets are unsafe outside the server; ` +
        'sign with RS256 and publish the public key.',
    );
  }
  const member = PRIVATE_MEMBERS.find((name) => jwk[name] !== undefined);
  if (member !== undefined) {
    throw invalid(
      `${where} holds a private key (JWK member "${member}"). ${PUBLISH_PUBLIC_KEY_HINT}`,
    );
  }
}

function isSignatureKey(jwk: Record<string, unknown>): boolean {
  if (typeof jwk.kty !== 'string' || !SIGNATURE_KTY.has(jwk.kty)) return false;
  // A kid no token can name (RFC 7515 §4.1.4: a string): not a key of ours, not a broken set.
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') return false;
  // An AKP key is one algorithm's (RFC 9964 §3): another than ML-DSA is not for us.
  if (jwk.kty === 'AKP' && !AKP_PUBLIC_BYTES.has(jwk.alg as string)) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify')))
    return false;
  return true;
}

function rsaModulusBits(n: unknown): number | undefined {
  if (typeof n !== 'string') return undefined;
  const bytes = decodeStrict(n);
  if (bytes === undefined) return undefined;
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  if (start === bytes.length) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start]!));
}
