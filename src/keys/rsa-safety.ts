import { hasRocaFingerprint } from './roca.js';
import { bytesToBigInt, decodeBase64urlStrict } from './strict-base64url.js';

/**
 * The largest public exponent accepted: 2^31 - 1, Go's limit (crypto/rsa `checkPub`), the
 * strictest of the common libraries; BoringSSL (Chrome, Bun, workerd) stops at 33 bits
 * (`kMaxExponentBits`), OpenSSL at 64 bits for moduli over 3072 bits
 * (`OPENSSL_RSA_MAX_PUBEXP_BITS`), FIPS 186-5 §5.5 at 2^256. A bounded exponent bounds the
 * cost of each signature check (https://www.imperialviolet.org/2012/03/16/rsae.html); every
 * real key uses 65537 (or 3).
 */
export const MAX_RSA_EXPONENT = 2n ** 31n - 1n;

/** The largest modulus accepted (OPENSSL_RSA_MAX_MODULUS_BITS, and BoringSSL's limit too). */
export const MAX_RSA_MODULUS_BITS = 16384;

// Generous: leading zero octets are tolerated (RFC 7518 §2 forbids them, some IdPs send them).
const MAX_MODULUS_CHARS = Math.ceil(((MAX_RSA_MODULUS_BITS / 8 + 8) * 4) / 3);
const MAX_EXPONENT_CHARS = 16;

/**
 * Why an RSA public key (the JWK members `n` and `e`, RFC 7518 §6.3.1) is unsafe to verify
 * with, or `undefined` when it is fine. Never throws: garbage in is a reason out.
 *
 * Checked: strict base64url of both members; an odd modulus of at most 16384 bits; an odd
 * exponent from 3 to 2^31 - 1 (the rules of OpenSSL, BoringSSL and Go; see
 * {@link MAX_RSA_EXPONENT}); and the ROCA fingerprint of Infineon keys (CVE-2017-15361).
 * Not checked here: the 2048-bit minimum, which the key-set guard enforces with its own message.
 *
 * @example
 * rsaKeyProblem(jwk.n, jwk.e); // undefined, or e.g. 'its public exponent is 1'
 */
export function rsaKeyProblem(n: unknown, e: unknown): string | undefined {
  // Checked before decoding, so a megabyte "n" costs a comparison, not a BigInt.
  if (typeof n === 'string' && n.length > MAX_MODULUS_CHARS)
    return `its modulus is longer than ${MAX_RSA_MODULUS_BITS} bits`;
  if (typeof e === 'string' && e.length > MAX_EXPONENT_CHARS)
    return 'its public exponent is larger than 2^31 - 1';
  const modulus = readUInt(n);
  if (modulus === undefined) return 'its modulus "n" is not canonical base64url';
  const exponent = readUInt(e);
  if (exponent === undefined) return 'its exponent "e" is not canonical base64url';
  return exponentProblem(exponent) ?? modulusProblem(modulus);
}

function readUInt(value: unknown): bigint | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const bytes = decodeBase64urlStrict(value);
  return bytes === undefined ? undefined : bytesToBigInt(bytes);
}

function exponentProblem(exponent: bigint): string | undefined {
  // e = 1 makes the "signature" the padded message itself: anyone can forge one.
  if (exponent === 1n) return 'its public exponent is 1';
  if (exponent === 0n) return 'its public exponent is 0';
  // e must be invertible modulo (p-1)(q-1), which is even: an even e cannot be a real key.
  if (exponent > MAX_RSA_EXPONENT) return 'its public exponent is larger than 2^31 - 1';
  if (exponent % 2n === 0n) return `its public exponent ${exponent} is even`;
  return undefined;
}

function modulusProblem(modulus: bigint): string | undefined {
  if (modulus % 2n === 0n) return 'its modulus is even';
  if (modulus >= 1n << BigInt(MAX_RSA_MODULUS_BITS))
    return `its modulus is longer than ${MAX_RSA_MODULUS_BITS} bits`;
  if (hasRocaFingerprint(modulus))
    return 'it is an Infineon key with the ROCA weakness (CVE-2017-15361); its private key can be computed';
  return undefined;
}
